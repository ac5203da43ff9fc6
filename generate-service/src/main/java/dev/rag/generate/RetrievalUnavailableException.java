package dev.rag.generate;

import dev.rag.common.errors.UnavailableException;

/** retrieve-service could not answer; the request may be retried. */
public class RetrievalUnavailableException extends UnavailableException {

  public RetrievalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
