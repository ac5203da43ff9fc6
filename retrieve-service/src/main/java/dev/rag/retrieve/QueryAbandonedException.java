package dev.rag.retrieve;

/** The caller of a query went away (cancelled, or its deadline passed) before it was answered. */
public class QueryAbandonedException extends RuntimeException {

  public QueryAbandonedException() {
    super("the caller no longer waits for this query", null, false, false);
  }
}
