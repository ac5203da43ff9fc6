package dev.rag.retrieve.ranking;

import dev.rag.retrieve.lexical.LexicalEncoder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The analysed term ids of the texts one query looks at, each text analysed once: near-duplicate
 * collapsing, the reranker and diversity all compare the same candidates' terms, and Lucene's
 * English analysis of their texts was most of the Java time of a query.
 */
public final class TermMemo {

  private final Map<String, int[]> sequences = new HashMap<>();
  private final Map<String, int[]> sets = new HashMap<>();

  /** The text's term ids in order, with repeats. */
  public int[] sequence(String text) {
    return sequences.computeIfAbsent(text, LexicalEncoder::termIdSequence);
  }

  /** The text's distinct term ids, sorted. */
  public int[] distinct(String text) {
    return sets.computeIfAbsent(
        text, t -> Arrays.stream(sequence(t)).sorted().distinct().toArray());
  }
}
