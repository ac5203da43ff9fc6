package dev.rag.retrieve.ranking;

import dev.rag.retrieve.model.Passage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps one long document from filling the results: maximal marginal relevance over the passages'
 * analysed terms, and a cap on passages per document.
 *
 * <p>Each step picks the passage maximising {@code lambda * relevance - (1 - lambda) * max
 * similarity to those already picked}, relevance being the final score scaled to [0, 1] and
 * similarity a term-set Jaccard (passages of the same document count as similar at least {@code
 * sameDocumentSimilarity}). The picked passage's final score becomes that objective.
 */
public final class Diversifier {

  private final double lambda;
  private final int maxPerDocument;
  private final double sameDocumentSimilarity;

  /**
   * @param lambda weight of relevance against novelty, in [0, 1]; 1 keeps the order
   * @param maxPerDocument most passages of one document in the result
   * @param sameDocumentSimilarity least similarity of two passages of one document
   */
  public Diversifier(double lambda, int maxPerDocument, double sameDocumentSimilarity) {
    this.lambda = lambda;
    this.maxPerDocument = maxPerDocument;
    this.sameDocumentSimilarity = sameDocumentSimilarity;
  }

  /** The first {@code k} passages of a diversified ranking of {@code ranked}. */
  public List<Passage> diversify(List<Passage> ranked, int k) {
    return diversify(ranked, k, new TermMemo());
  }

  /** As {@link #diversify(List, int)}, with the query's analysed texts. */
  public List<Passage> diversify(List<Passage> ranked, int k, TermMemo memo) {
    if (ranked.isEmpty()) {
      return ranked;
    }
    double max = ranked.stream().mapToDouble(p -> p.scores().finalScore()).max().orElse(1);
    double min = ranked.stream().mapToDouble(p -> p.scores().finalScore()).min().orElse(0);
    List<Passage> pool = new ArrayList<>(ranked);
    List<int[]> poolTerms = new ArrayList<>();
    for (Passage p : pool) {
      poolTerms.add(lambda < 1 ? memo.distinct(p.text()) : new int[0]);
    }
    List<Passage> picked = new ArrayList<>();
    List<int[]> pickedTerms = new ArrayList<>();
    Map<String, Integer> perDocument = new HashMap<>();
    while (picked.size() < k && !pool.isEmpty()) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < pool.size(); i++) {
        Passage p = pool.get(i);
        if (perDocument.getOrDefault(p.documentKey(), 0) >= maxPerDocument) {
          continue;
        }
        double relevance = max == min ? 1 : (p.scores().finalScore() - min) / (max - min);
        double similarity = 0;
        if (lambda < 1) {
          for (int j = 0; j < picked.size(); j++) {
            double s = NearDuplicates.jaccard(poolTerms.get(i), pickedTerms.get(j));
            if (picked.get(j).documentKey().equals(p.documentKey())) {
              s = Math.max(s, sameDocumentSimilarity);
            }
            similarity = Math.max(similarity, s);
          }
        }
        double score = lambda * relevance - (1 - lambda) * similarity;
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      Passage chosen = pool.remove(best);
      pickedTerms.add(poolTerms.remove(best));
      perDocument.merge(chosen.documentKey(), 1, Integer::sum);
      picked.add(chosen.withScores(chosen.scores().withFinal(bestScore)));
    }
    return picked;
  }
}
