package dev.rag.retrieve.ranking;

import dev.rag.retrieve.model.FusionMethod;
import dev.rag.retrieve.model.Passage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges the candidates of several sources into one ranking.
 *
 * <p>Each source is searched on its own, so every source contributes its best candidates however
 * small it is. The scores are then normalised per signal over the pooled candidates of all sources
 * ({@link Normalization#POOLED}): all sources share one embedding model and one lexical index, so
 * their raw scores are comparable, and normalising over the pool keeps them so. Normalising each
 * source on its own ({@link Normalization#PER_SOURCE}) is available for comparison; it lifts the
 * best passage of every source to the top score, relevant or not. Source weights multiply the fused
 * score.
 */
public final class SourceFusion {

  /** Where score normalisation happens. */
  public enum Normalization {
    /** Over the candidates of all sources together. */
    POOLED,
    /** Within each source. */
    PER_SOURCE
  }

  private SourceFusion() {}

  /** One source's candidates. */
  public record SourceHits(String source, List<Passage> dense, List<Passage> sparse) {}

  /**
   * The fused ranking of all sources' candidates, best first; final = fused x source weight.
   *
   * @param depth candidates per signal that one search would have fetched
   * @param completed each source's two lists hold both signals' scores of every candidate of that
   *     source (the lists are longer than {@code depth}): pooled, the candidates are those among
   *     either signal's best {@code depth}, each with both its scores
   */
  public static List<Passage> fuse(
      List<SourceHits> sources,
      Map<String, Double> weights,
      FusionMethod method,
      double denseWeight,
      Normalization normalization,
      int depth,
      boolean completed) {
    List<Passage> merged = new ArrayList<>();
    if (normalization == Normalization.POOLED) {
      List<Passage> dense = new ArrayList<>();
      List<Passage> sparse = new ArrayList<>();
      for (SourceHits s : sources) {
        dense.addAll(s.dense());
        sparse.addAll(s.sparse());
      }
      dense.sort(Comparator.comparingDouble((Passage p) -> p.scores().dense()).reversed());
      sparse.sort(Comparator.comparingDouble((Passage p) -> p.scores().sparse()).reversed());
      // The pool's best `depth` per signal are exactly what one search over all sources would
      // have returned: normalising over them keeps the result independent of how many sources
      // there are.
      List<Passage> bestDense = dense.subList(0, Math.min(depth, dense.size()));
      List<Passage> bestSparse = sparse.subList(0, Math.min(depth, sparse.size()));
      if (completed) {
        Set<String> kept = new HashSet<>();
        bestDense.forEach(p -> kept.add(p.pointId()));
        bestSparse.forEach(p -> kept.add(p.pointId()));
        bestDense = dense.stream().filter(p -> kept.contains(p.pointId())).toList();
        bestSparse = sparse.stream().filter(p -> kept.contains(p.pointId())).toList();
      }
      merged.addAll(HybridFusion.fuse(bestDense, bestSparse, method, denseWeight));
    } else {
      for (SourceHits s : sources) {
        List<Passage> fused = HybridFusion.fuse(s.dense(), s.sparse(), method, denseWeight);
        double[] norm =
            HybridFusion.normalise(
                fused.stream().mapToDouble(p -> p.scores().fused()).toArray(),
                FusionMethod.MIN_MAX);
        for (int i = 0; i < fused.size(); i++) {
          Passage p = fused.get(i);
          merged.add(p.withScores(p.scores().withFused(norm[i]).withFinal(norm[i])));
        }
      }
    }
    List<Passage> weighted = new ArrayList<>(merged.size());
    for (Passage p : merged) {
      double w = weights.getOrDefault(p.source(), 1.0);
      weighted.add(p.withScores(p.scores().withFinal(p.scores().fused() * w)));
    }
    weighted.sort(Comparator.comparingDouble((Passage p) -> p.scores().finalScore()).reversed());
    return weighted;
  }
}
