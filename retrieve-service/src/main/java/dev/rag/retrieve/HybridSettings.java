package dev.rag.retrieve;

import dev.rag.retrieve.model.FusionMethod;

/**
 * How one hybrid search runs.
 *
 * @param fusion how the signals are combined
 * @param denseWeight weight of the dense signal in [0, 1]; the lexical one gets the rest
 * @param depth candidates fetched per signal (and per source)
 * @param completeScores whether a candidate of one signal is scored by the other too (null in an
 *     override: the service's setting)
 */
public record HybridSettings(
    FusionMethod fusion, double denseWeight, int depth, Boolean completeScores) {

  /** Settings that keep the service's choice of score completion. */
  public HybridSettings(FusionMethod fusion, double denseWeight, int depth) {
    this(fusion, denseWeight, depth, null);
  }
}
