package dev.rag.ingest;

/** A document the tenant has no room for: the message names the quota and how full it is. */
public class QuotaExceededException extends RuntimeException {

  public QuotaExceededException(String message) {
    super(message);
  }
}
