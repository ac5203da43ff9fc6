package dev.rag.generate.llm;

/** The language model could not answer (down, timing out, refusing); the caller falls back. */
public class LlmUnavailableException extends RuntimeException {

  public LlmUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
