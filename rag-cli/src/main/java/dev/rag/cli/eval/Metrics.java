package dev.rag.cli.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Ranking metrics as BEIR computes them (trec_eval definitions, linear gains). */
public final class Metrics {

  // Marks another collection's document in a ranking: no document id of a BEIR collection holds a
  // NUL character.
  private static final String FOREIGN = "\u0000";

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

  /** A retrieved passage's document: its source and its id there. */
  public record Hit(String source, String documentId) {}

  /**
   * The document ranking of a passage ranking, as judged against one collection: a document of one
   * of {@code own} (the collection's sources) is named by its id, as its judgements are; a document
   * of any other source is kept in its place under a name no judgement can carry, so that another
   * collection's document "12" is neither taken for this one's "12" nor merged with it.
   */
  public static List<String> documents(List<Hit> hits, Set<String> own) {
    List<String> ids = new ArrayList<>(hits.size());
    for (Hit h : hits) {
      ids.add(
          own.contains(h.source())
              ? h.documentId()
              : FOREIGN + h.source() + FOREIGN + h.documentId());
    }
    return distinct(ids);
  }

  /** Whether a name of {@link #documents} is another collection's document. */
  public static boolean foreign(String document) {
    return document.startsWith(FOREIGN);
  }

  /** The source of a name {@link #foreign} says is another collection's document. */
  public static String foreignSource(String document) {
    return document.substring(FOREIGN.length(), document.indexOf(FOREIGN, FOREIGN.length()));
  }

  /**
   * Share of the first {@code k} documents that are other collections' (0 for an empty ranking).
   */
  public static double foreignShare(List<String> ranking, int k) {
    int n = Math.min(k, ranking.size());
    if (n == 0) {
      return 0;
    }
    return (double) ranking.stream().limit(n).filter(Metrics::foreign).count() / n;
  }

  /** The ranking with other collections' documents taken out (a condensed ranking). */
  public static List<String> own(List<String> ranking) {
    return ranking.stream().filter(d -> !foreign(d)).toList();
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
