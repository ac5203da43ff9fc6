package dev.rag.retrieve.model;

/** How the dense and lexical signals are combined. */
public enum FusionMethod {
  /** Each signal min-max normalised over its candidates, then a weighted sum. */
  MIN_MAX,
  /** Reciprocal rank fusion, {@code 1 / (60 + rank)} per signal, weighted. */
  RRF,
  /**
   * Each signal scaled to [0, 1] by its mean plus and minus three standard deviations, weighted.
   */
  DBSF
}
