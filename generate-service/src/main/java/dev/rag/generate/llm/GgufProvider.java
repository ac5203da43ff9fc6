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
  private final AtomicBoolean closed = new AtomicBoolean();

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
    if (closed.get()) {
      listener.onError(new LlmUnavailableException("the local model is shut down", null));
      return () -> {};
    }
    try {
      worker.execute(new Generation(messages, params, listener, cancelled));
    } catch (RejectedExecutionException e) {
      listener.onError(
          new LlmUnavailableException(
              "the local model is busy (" + WAITING + " generations waiting)", e));
    }
    return () -> cancelled.set(true);
  }

  /** A generation waiting for, or running on, the worker thread. */
  private final class Generation implements Runnable {
    private final List<LlmMessage> messages;
    private final LlmParams params;
    private final LlmListener listener;
    private final AtomicBoolean cancelled;

    Generation(
        List<LlmMessage> messages,
        LlmParams params,
        LlmListener listener,
        AtomicBoolean cancelled) {
      this.messages = messages;
      this.params = params;
      this.listener = listener;
      this.cancelled = cancelled;
    }

    LlmListener listener() {
      return listener;
    }

    @Override
    public void run() {
      generate(messages, params, listener, cancelled);
    }
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
      boolean finished = false;
      try {
        while (it.hasNext()) {
          if (closed.get()) {
            listener.onError(new LlmUnavailableException("the local model is shutting down", null));
            return;
          }
          if (cancelled.get()) {
            return;
          }
          LlamaOutput out = it.next();
          if (!out.text.isEmpty()) {
            generated++;
            listener.onToken(out.text);
          }
        }
        finished = true;
      } finally {
        if (!finished) {
          // An abandoned task would keep generating natively and hold up the next one.
          it.cancel();
        }
      }
      listener.onComplete(generated >= params.maxTokens() ? "length" : "stop", -1, generated);
    } catch (RuntimeException e) {
      listener.onError(e);
    }
  }

  /**
   * Stops the running generation, refuses the waiting ones, then frees the model. Freeing it under
   * a running generation would leave that thread stuck in native code, so this waits for it.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Runnable waiting : worker.shutdownNow()) {
      ((Generation) waiting)
          .listener()
          .onError(new LlmUnavailableException("the local model is shutting down", null));
    }
    try {
      if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
        return; // Leaking the model beats freeing it under a running generation.
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    model.close();
  }
}
