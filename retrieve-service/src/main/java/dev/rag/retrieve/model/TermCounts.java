package dev.rag.retrieve.model;

/**
 * Document frequencies of lexical terms among one tenant's passages, as {@code TermStatistics}
 * counts them.
 *
 * @param passages the tenant's passages that have lexical terms
 * @param documentFrequencies for each term asked about, the passages that contain it
 */
public record TermCounts(long passages, long[] documentFrequencies) {}
