package dev.rag.retrieve;

import dev.rag.retrieve.model.FusionMethod;

/**
 * How one hybrid search runs.
 *
 * @param fusion how the signals are combined
 * @param denseWeight weight of the dense signal in [0, 1]; the lexical one gets the rest
 * @param depth candidates fetched per signal (and per source)
 */
public record HybridSettings(FusionMethod fusion, double denseWeight, int depth) {}
