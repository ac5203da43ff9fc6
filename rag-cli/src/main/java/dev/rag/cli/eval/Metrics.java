package dev.rag.cli.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Ranking metrics as BEIR computes them (trec_eval definitions, linear gains). */
public final class Metrics {

  private Metrics() {}

  /** nDCG at {@code k} of a ranking of document ids against graded judgements. */
  public static double ndcg(List<String> ranking, Map<String, Integer> relevant, int k) {
    double dcg = 0;
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      int gain = relevant.getOrDefault(ranking.get(i), 0);
      dcg += gain / log2(i + 2);
    }
    int[] ideal = relevant.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.length); i++) {
      idcg += ideal[ideal.length - 1 - i] / log2(i + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  /** Share of the relevant documents found in the first {@code k}. */
  public static double recall(List<String> ranking, Map<String, Integer> relevant, int k) {
    if (relevant.isEmpty()) {
      return 0;
    }
    long found = ranking.stream().limit(k).filter(relevant::containsKey).count();
    return (double) found / relevant.size();
  }

  /** Reciprocal rank of the first relevant document within the first {@code k}, else 0. */
  public static double mrr(List<String> ranking, Map<String, Integer> relevant, int k) {
    for (int i = 0; i < Math.min(k, ranking.size()); i++) {
      if (relevant.containsKey(ranking.get(i))) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /** The value at the given percentile (0-100), nearest-rank method. */
  public static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** Document ids in first-seen order: a passage ranking becomes a document ranking. */
  public static List<String> distinct(List<String> ids) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (seen.add(id)) {
        out.add(id);
      }
    }
    return out;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
