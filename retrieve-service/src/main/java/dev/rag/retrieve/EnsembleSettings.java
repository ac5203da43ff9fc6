package dev.rag.retrieve;

/**
 * Per-request overrides of the dense ensemble; NaN keeps the weight's default.
 *
 * @param disabled search the live model's index alone
 * @param weight share of the second model's similarity in the dense signal
 */
public record EnsembleSettings(boolean disabled, double weight) {}
