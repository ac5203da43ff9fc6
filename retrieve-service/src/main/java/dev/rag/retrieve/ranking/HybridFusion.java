package dev.rag.retrieve.ranking;

import dev.rag.retrieve.model.FusionMethod;
import dev.rag.retrieve.model.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines a dense and a lexical candidate list into one ranking. A passage missing from one list
 * gets nothing from that signal. The fused score is in [0, 1] for min-max and DBSF.
 */
public final class HybridFusion {

  /** The rank constant of reciprocal rank fusion. */
  static final int RRF_K = 60;

  private HybridFusion() {}

  /**
   * Fuses the two lists.
   *
   * @param dense passages with {@code scores.dense} set, best first
   * @param sparse passages with {@code scores.sparse} set, best first
   * @return the union, each with dense, sparse and fused scores (final = fused), best first
   */
  public static List<Passage> fuse(
      List<Passage> dense, List<Passage> sparse, FusionMethod method, double denseWeight) {
    double[] denseNorm =
        normalise(dense.stream().mapToDouble(p -> p.scores().dense()).toArray(), method);
    double[] sparseNorm =
        normalise(sparse.stream().mapToDouble(p -> p.scores().sparse()).toArray(), method);
    Map<String, Passage> byId = new LinkedHashMap<>();
    Map<String, Double> fused = new LinkedHashMap<>();
    for (int i = 0; i < dense.size(); i++) {
      Passage p = dense.get(i);
      byId.put(p.pointId(), p);
      fused.merge(p.pointId(), denseWeight * denseNorm[i], Double::sum);
    }
    for (int i = 0; i < sparse.size(); i++) {
      Passage p = sparse.get(i);
      Passage known = byId.get(p.pointId());
      byId.put(
          p.pointId(),
          known == null ? p : known.withScores(known.scores().withSparse(p.scores().sparse())));
      fused.merge(p.pointId(), (1 - denseWeight) * sparseNorm[i], Double::sum);
    }
    List<Passage> result = new ArrayList<>(byId.size());
    for (var e : byId.entrySet()) {
      double f = fused.get(e.getKey());
      result.add(e.getValue().withScores(e.getValue().scores().withFused(f).withFinal(f)));
    }
    result.sort(Comparator.comparingDouble((Passage p) -> p.scores().fused()).reversed());
    return result;
  }

  /** Scores of one list (best first) mapped to what the method adds up. */
  static double[] normalise(double[] scores, FusionMethod method) {
    double[] out = new double[scores.length];
    if (scores.length == 0) {
      return out;
    }
    switch (method) {
      case RRF -> {
        for (int i = 0; i < scores.length; i++) {
          out[i] = 1.0 / (RRF_K + i + 1);
        }
      }
      case MIN_MAX -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
          min = Math.min(min, s);
          max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
          out[i] = max == min ? 1.0 : (scores[i] - min) / (max - min);
        }
      }
      case DBSF -> {
        double mean = 0;
        for (double s : scores) {
          mean += s;
        }
        mean /= scores.length;
        double variance = 0;
        for (double s : scores) {
          variance += (s - mean) * (s - mean);
        }
        double sd = Math.sqrt(variance / scores.length);
        double lo = mean - 3 * sd;
        double hi = mean + 3 * sd;
        for (int i = 0; i < scores.length; i++) {
          out[i] = sd == 0 ? 1.0 : Math.max(0, Math.min(1, (scores[i] - lo) / (hi - lo)));
        }
      }
    }
    return out;
  }
}
