package dev.rag.retrieve;

/** A service this one depends on (Qdrant, embed-service) cannot be reached now; retry later. */
public class DependencyUnavailableException extends RuntimeException {

  public DependencyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
