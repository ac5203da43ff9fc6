package dev.rag.embedding;

/** Where inference runs. */
public enum Device {
  /** CUDA when ONNX Runtime sees a GPU, else CPU (said once in the log). */
  AUTO,
  /** Always the CPU. */
  CPU,
  /** A CUDA GPU; fails at startup when none is usable. */
  CUDA
}
