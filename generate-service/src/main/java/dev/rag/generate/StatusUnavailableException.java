package dev.rag.generate;

import dev.rag.common.errors.UnavailableException;

/** ingest-service could not say a document's status; the request may be retried. */
public class StatusUnavailableException extends UnavailableException {

  public StatusUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
