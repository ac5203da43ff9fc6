package dev.rag.retrieve;

/**
 * Per-request overrides of the reranking stage; NaN keeps a weight's default.
 *
 * @param disabled skip reranking
 * @param contextWeight weight of the best sibling chunk's score
 * @param proximityWeight weight of query term pairs found adjacent
 */
public record RerankSettings(boolean disabled, double contextWeight, double proximityWeight) {}
