package dev.rag.retrieve;

import dev.rag.common.errors.UnavailableException;

/** A service this one depends on (Qdrant, embed-service) cannot be reached now; retry later. */
public class DependencyUnavailableException extends UnavailableException {

  public DependencyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
