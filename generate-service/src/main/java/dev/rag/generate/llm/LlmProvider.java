package dev.rag.generate.llm;

import java.util.List;

/** A language model that streams its answer. Implementations are safe for concurrent use. */
public interface LlmProvider extends AutoCloseable {

  /** The model's name as clients see it in responses. */
  String model();

  /**
   * Starts generating; returns at once and reports through {@code listener}.
   *
   * @return a handle that stops the generation early (best effort)
   */
  Cancellable stream(List<LlmMessage> messages, LlmParams params, LlmListener listener);

  /** Releases the model's resources. */
  @Override
  default void close() {}

  /** Stops a generation that is no longer wanted. */
  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
