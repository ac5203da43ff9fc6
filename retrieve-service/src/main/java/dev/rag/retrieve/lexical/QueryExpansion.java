package dev.rag.retrieve.lexical;

import dev.rag.retrieve.model.SparseVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lexical pseudo-relevance feedback in the manner of RM3: the best passages of a first lexical
 * search stand in for the relevant ones, and the terms that weigh most in them, each passage
 * counted by its share of the first search's score, join the query.
 *
 * <p>A passage's term weights are its lexical vector's (BM25 term-frequency saturation), taken as a
 * distribution over its terms. The relevance model {@code P(t|R) = sum_d P(t|d) P(d|q)}, with
 * {@code P(d|q)} each passage's first-pass score over their sum, gives the expansion's terms: the
 * {@code terms} most likely. The expanded query mixes the original (each of its distinct terms
 * {@code 1/|q|}) with the expansion (renormalised to 1) as {@code w q + (1 - w) R}. The result is
 * unweighted by IDF: the caller weighs each term by its document frequency, as for any query.
 */
public final class QueryExpansion {

  private QueryExpansion() {}

  /** One feedback passage: its lexical vector and its first-pass score. */
  public record Feedback(SparseVector vector, double score) {}

  /**
   * @param query the query's distinct terms (weights ignored)
   * @param feedback the best passages of the first search, with their scores
   * @param terms how many terms the expansion adds at most
   * @param queryWeight the original query's share, in [0, 1]
   * @return every term of the expanded query with its weight, ids in increasing unsigned order
   */
  public static SparseVector expand(
      SparseVector query, List<Feedback> feedback, int terms, double queryWeight) {
    Map<Integer, Double> relevance = new HashMap<>();
    double total = 0;
    for (Feedback f : feedback) {
      total += Math.max(0, f.score());
    }
    for (Feedback f : feedback) {
      double share = total > 0 ? Math.max(0, f.score()) / total : 1.0 / feedback.size();
      float[] values = f.vector().values();
      double mass = 0;
      for (float v : values) {
        mass += v;
      }
      if (mass <= 0 || share == 0) {
        continue;
      }
      int[] ids = f.vector().indices();
      for (int i = 0; i < ids.length; i++) {
        relevance.merge(ids[i], share * values[i] / mass, Double::sum);
      }
    }
    List<Map.Entry<Integer, Double>> best = new ArrayList<>(relevance.entrySet());
    // Most likely first; equal weights in id order, so that the same feedback gives the same query.
    best.sort(
        (a, b) ->
            a.getValue().equals(b.getValue())
                ? Integer.compareUnsigned(a.getKey(), b.getKey())
                : Double.compare(b.getValue(), a.getValue()));
    best = best.subList(0, Math.min(terms, best.size()));
    double kept = 0;
    for (var e : best) {
      kept += e.getValue();
    }
    TreeMap<Long, Double> weights = new TreeMap<>();
    int[] original = query.indices();
    for (int id : original) {
      weights.merge(Integer.toUnsignedLong(id), queryWeight / original.length, Double::sum);
    }
    if (kept > 0) {
      for (var e : best) {
        weights.merge(
            Integer.toUnsignedLong(e.getKey()),
            (1 - queryWeight) * e.getValue() / kept,
            Double::sum);
      }
    }
    int[] indices = new int[weights.size()];
    float[] values = new float[weights.size()];
    int i = 0;
    for (var e : weights.entrySet()) {
      indices[i] = (int) (long) e.getKey();
      values[i] = (float) (double) e.getValue();
      i++;
    }
    return new SparseVector(indices, values);
  }
}
