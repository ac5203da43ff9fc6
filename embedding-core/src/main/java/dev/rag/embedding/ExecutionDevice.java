package dev.rag.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Where a session runs: the CUDA execution provider when it is wanted ({@code cuda}, or {@code
 * auto} with a GPU visible and a GPU build) and can start, else the CPU.
 */
final class ExecutionDevice {

  private static final Logger LOG = Logger.getLogger(ExecutionDevice.class);

  private ExecutionDevice() {}

  /** Adds the CUDA provider when wanted and possible; returns whether it did. */
  static boolean select(OrtSession.SessionOptions options, Device device) {
    if (device == Device.CPU) {
      return false;
    }
    boolean provider = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    boolean gpu = nvidiaDeviceVisible();
    if (device == Device.CUDA) {
      if (!provider) {
        throw new IllegalStateException(
            "embed.device=cuda, but this ONNX Runtime has no CUDA execution provider: build with"
                + " -Pgpu (onnxruntime_gpu) and run on a node with an NVIDIA GPU, driver, CUDA 12"
                + " and cuDNN 9; or set embed.device=auto or cpu");
      }
      if (!gpu) {
        throw new IllegalStateException(
            "embed.device=cuda, but no NVIDIA GPU is visible (no /dev/nvidia* device): schedule"
                + " the pod on a GPU node (nvidia.com/gpu) or set embed.device=auto or cpu");
      }
      try {
        options.addCUDA(0);
      } catch (OrtException e) {
        throw new IllegalStateException(
            "embed.device=cuda, but the CUDA execution provider could not start: " + e.getMessage(),
            e);
      }
      LOG.info("Embedding on the GPU (CUDA execution provider, device 0)");
      return true;
    }
    if (provider && gpu) {
      try {
        options.addCUDA(0);
        LOG.info("Embedding on the GPU (CUDA execution provider, device 0)");
        return true;
      } catch (OrtException e) {
        LOG.infof("The GPU could not be used (%s): embedding on the CPU", e.getMessage());
        return false;
      }
    }
    LOG.infof(
        "Embedding on the CPU (%s)",
        provider ? "no NVIDIA GPU visible" : "this build has no GPU execution provider");
    return false;
  }

  /** Whether the NVIDIA driver exposes a device to this process (Linux device files). */
  static boolean nvidiaDeviceVisible() {
    if (Files.exists(Path.of("/dev/nvidiactl"))) {
      return true;
    }
    for (int i = 0; i < 16; i++) {
      if (Files.exists(Path.of("/dev/nvidia" + i))) {
        return true;
      }
    }
    return false;
  }
}
