package dev.rag.retrieve.ranking;

import dev.rag.retrieve.model.Passage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An offline reranker over the fused candidates: it needs no model weights, only the candidates
 * themselves. Two kinds of evidence are added to a passage's score:
 *
 * <ul>
 *   <li><b>document context</b>: the best score among the other chunks of the same document in the
 *       candidate set, times {@code contextWeight}. A passage whose neighbours also match comes
 *       from a document about the question, not from one that mentions it in passing;
 *   <li><b>term proximity</b>: the share of the query's adjacent analysed term pairs that are also
 *       adjacent in the passage (title and section included), times {@code proximityWeight}.
 *       Bag-of- words and single-vector scores both miss word order; phrases such as "vitamin D
 *       deficiency" carry it.
 * </ul>
 *
 * The reranked score is also the final score; the order is by it.
 */
public final class EvidenceReranker {

  private final double contextWeight;
  private final double proximityWeight;

  public EvidenceReranker(double contextWeight, double proximityWeight) {
    this.contextWeight = contextWeight;
    this.proximityWeight = proximityWeight;
  }

  /** Reranks candidates whose final scores are set. */
  public List<Passage> rerank(String query, List<Passage> candidates) {
    return rerank(query, candidates, new TermMemo());
  }

  /** As {@link #rerank(String, List)}, with the query's analysed texts. */
  public List<Passage> rerank(String query, List<Passage> candidates, TermMemo memo) {
    Set<Long> queryPairs = pairs(memo.sequence(query));
    Map<String, List<Double>> byDocument = new HashMap<>();
    for (Passage p : candidates) {
      byDocument
          .computeIfAbsent(p.documentKey(), k -> new ArrayList<>())
          .add(p.scores().finalScore());
    }
    List<Passage> reranked = new ArrayList<>(candidates.size());
    for (Passage p : candidates) {
      double own = p.scores().finalScore();
      double context = 0;
      boolean skippedSelf = false;
      for (double s : byDocument.get(p.documentKey())) {
        if (!skippedSelf && s == own) {
          skippedSelf = true;
          continue;
        }
        context = Math.max(context, s);
      }
      double proximity = 0;
      if (!queryPairs.isEmpty() && proximityWeight != 0) {
        // The analyser keeps no state across tokens: the terms of the joined texts are the
        // terms of each in turn.
        Set<Long> passagePairs =
            pairs(
                concat(
                    memo.sequence(p.title()), memo.sequence(p.section()), memo.sequence(p.text())));
        int found = 0;
        for (long pair : queryPairs) {
          if (passagePairs.contains(pair)) {
            found++;
          }
        }
        proximity = (double) found / queryPairs.size();
      }
      double score = own + contextWeight * context + proximityWeight * proximity;
      reranked.add(p.withScores(p.scores().withRerank(score).withFinal(score)));
    }
    reranked.sort(Comparator.comparingDouble((Passage p) -> p.scores().finalScore()).reversed());
    return reranked;
  }

  /** Adjacent term pairs, each packed into a long. */
  static Set<Long> pairs(int[] termIds) {
    Set<Long> pairs = new HashSet<>();
    for (int i = 1; i < termIds.length; i++) {
      pairs.add(((long) termIds[i - 1] << 32) | (termIds[i] & 0xffffffffL));
    }
    return pairs;
  }

  private static int[] concat(int[] a, int[] b, int[] c) {
    int[] all = Arrays.copyOf(a, a.length + b.length + c.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    System.arraycopy(c, 0, all, a.length + b.length, c.length);
    return all;
  }
}
