package dev.rag.generate.llm;

import dev.rag.common.errors.UnavailableException;

/** The language model could not answer (down, timing out, refusing); the caller falls back. */
public class LlmUnavailableException extends UnavailableException {

  public LlmUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
