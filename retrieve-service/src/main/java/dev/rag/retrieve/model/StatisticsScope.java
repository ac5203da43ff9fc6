package dev.rag.retrieve.model;

/** Whose passages a lexical term's document frequency is counted among. */
public enum StatisticsScope {
  /** Every passage of the tenant. */
  TENANT,
  /** The passages of the sources the query names (all of the tenant's when it names none). */
  SEARCHED
}
