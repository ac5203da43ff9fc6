package dev.rag.ingest;

import dev.rag.common.errors.ResourceExhaustedException;

/** A document the tenant has no room for: the message names the quota and how full it is. */
public class QuotaExceededException extends ResourceExhaustedException {

  public QuotaExceededException(String message) {
    super(message);
  }
}
