package dev.rag.generate.llm;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A GGUF model run inside this process by llama.cpp (through its Java bindings), on the CPU.
 * Generations run one at a time on a daemon thread of their own; a few more wait in a bounded queue
 * and the rest are refused at once (the caller falls back).
 */
public final class GgufProvider implements LlmProvider {

  private static final int WAITING = 8;

  private final LlamaModel model;
  private final String name;
  private final ThreadPoolExecutor worker;

  private GgufProvider(LlamaModel model, String name) {
    this.model = model;
    this.name = name;
    this.worker =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(WAITING),
            r -> {
              Thread t = new Thread(r, "gguf-generation");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Loads a GGUF file.
   *
   * @param name model name for clients; the file name when null
   * @param contextSize context window in tokens
   * @param threads CPU threads; 0 lets llama.cpp choose
   */
  public static GgufProvider load(Path file, String name, int contextSize, int threads) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("GGUF model file not found: " + file);
    }
    ModelParameters params =
        new ModelParameters()
            .setModel(file.toString())
            .setCtxSize(contextSize)
            .setGpuLayers(0)
            .skipWarmup()
            .disableLog();
    if (threads > 0) {
      params.setThreads(threads);
    }
    return new GgufProvider(
        new LlamaModel(params), name == null ? file.getFileName().toString() : name);
  }

  @Override
  public String model() {
    return name;
  }

  @Override
  public Cancellable stream(List<LlmMessage> messages, LlmParams params, LlmListener listener) {
    AtomicBoolean cancelled = new AtomicBoolean();
    try {
      worker.execute(() -> generate(messages, params, listener, cancelled));
    } catch (RejectedExecutionException e) {
      listener.onError(
          new LlmUnavailableException(
              "the local model is busy (" + WAITING + " generations waiting)", e));
    }
    return () -> cancelled.set(true);
  }

  private void generate(
      List<LlmMessage> messages, LlmParams params, LlmListener listener, AtomicBoolean cancelled) {
    if (cancelled.get()) {
      return;
    }
    try {
      InferenceParameters inference =
          new InferenceParameters("")
              .setNPredict(params.maxTokens())
              .setTemperature((float) params.temperature());
      if (!params.stop().isEmpty()) {
        inference.setStopStrings(params.stop().toArray(String[]::new));
      }
      String system = null;
      List<Pair<String, String>> turns = new ArrayList<>();
      for (LlmMessage m : messages) {
        if ("system".equals(m.role())) {
          system = system == null ? m.text() : system + "\n\n" + m.text();
        } else {
          turns.add(new Pair<>(m.role(), m.text()));
        }
      }
      inference.setMessages(system, turns).setUseChatTemplate(true);
      int generated = 0;
      LlamaIterator it = model.generate(inference).iterator();
      while (it.hasNext()) {
        if (cancelled.get()) {
          it.cancel();
          return;
        }
        LlamaOutput out = it.next();
        if (!out.text.isEmpty()) {
          generated++;
          listener.onToken(out.text);
        }
      }
      listener.onComplete(generated >= params.maxTokens() ? "length" : "stop", -1, generated);
    } catch (RuntimeException e) {
      listener.onError(e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    model.close();
  }
}
