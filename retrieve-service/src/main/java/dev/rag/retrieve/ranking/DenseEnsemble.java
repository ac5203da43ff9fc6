package dev.rag.retrieve.ranking;

import dev.rag.retrieve.model.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The dense signal of two embedding models: one scope's hits from the live model's index and from a
 * second model's index become one list, scored by the weighted mean of the two cosine similarities.
 * Raw similarities are blended (not ranks, not per-list normalised scores), so that scores of
 * different sources stay comparable for the pooled fusion of the FULL mode. A passage only one
 * model found gets, for the other, that model's lowest similarity in its list: it ranked below all
 * of them, so that is the most it can have. With score completion each model has scored the other's
 * finds before they are merged, and only a passage one index does not hold (not yet embedded by
 * that model) is floored.
 */
public final class DenseEnsemble {

  private DenseEnsemble() {}

  /**
   * @param live the live model's hits, best first
   * @param second the second model's hits, best first
   * @param weight the second model's share, in [0, 1]
   * @param liveId the point id in the live model's index of the chunk a second-model hit is
   * @return every passage either found, with the live index's point id, best first
   */
  public static List<Passage> merge(
      List<Passage> live, List<Passage> second, double weight, Function<Passage, String> liveId) {
    if (second.isEmpty()) {
      return live;
    }
    double liveFloor = lowest(live);
    double secondFloor = lowest(second);
    Map<String, double[]> scores = new LinkedHashMap<>();
    Map<String, Passage> passages = new LinkedHashMap<>();
    for (Passage p : live) {
      scores.put(p.pointId(), new double[] {p.scores().dense(), secondFloor});
      passages.put(p.pointId(), p);
    }
    for (Passage p : second) {
      String id = liveId.apply(p);
      double[] s = scores.get(id);
      if (s != null) {
        s[1] = p.scores().dense();
      } else {
        scores.put(id, new double[] {liveFloor, p.scores().dense()});
        passages.put(id, p.withPointId(id));
      }
    }
    List<Passage> merged = new ArrayList<>(passages.size());
    passages.forEach(
        (id, p) -> {
          double[] s = scores.get(id);
          merged.add(p.withScores(p.scores().withDense((1 - weight) * s[0] + weight * s[1])));
        });
    merged.sort(Comparator.comparingDouble((Passage p) -> p.scores().dense()).reversed());
    return merged;
  }

  private static double lowest(List<Passage> hits) {
    double low = Double.POSITIVE_INFINITY;
    for (Passage p : hits) {
      low = Math.min(low, p.scores().dense());
    }
    return hits.isEmpty() ? 0 : low;
  }
}
