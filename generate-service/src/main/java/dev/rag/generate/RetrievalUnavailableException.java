package dev.rag.generate;

/** retrieve-service could not answer; the request may be retried. */
public class RetrievalUnavailableException extends RuntimeException {

  public RetrievalUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
