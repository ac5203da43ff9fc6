package dev.rag.generate.llm;

/** Receives a generation as it happens; called from the provider's own threads. */
public interface LlmListener {

  /** A piece of text, in order. */
  void onToken(String text);

  /**
   * The generation ended.
   *
   * @param finishReason {@code stop}, or {@code length} when it hit the token limit
   * @param promptTokens prompt tokens as the model counted them, or -1 when it did not say
   * @param completionTokens generated tokens as the model counted them, or -1
   */
  void onComplete(String finishReason, int promptTokens, int completionTokens);

  /** The generation failed; nothing more follows. */
  void onError(Throwable error);
}
