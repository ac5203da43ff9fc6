package dev.rag.retrieve;

/**
 * The store refused a request as malformed: sending the same request again cannot help. Indexing
 * dead-letters the event; a query reports an internal error (the request was this service's).
 */
public class StoreRejectedException extends RuntimeException {

  public StoreRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
