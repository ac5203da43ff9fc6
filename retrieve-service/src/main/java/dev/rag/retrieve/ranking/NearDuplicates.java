package dev.rag.retrieve.ranking;

import dev.rag.retrieve.model.Passage;
import java.util.ArrayList;
import java.util.List;

/**
 * Collapses passages that say the same thing (the same paragraph stored in two sources, say): of a
 * group whose analysed terms overlap by at least the threshold (Jaccard), only the best-ranked one
 * stays.
 */
public final class NearDuplicates {

  private NearDuplicates() {}

  /**
   * The first {@code limit} passages of the ranked list that are not near-duplicates of a
   * better-ranked kept passage. Each candidate is compared with the kept ones only, so the cost is
   * bounded by {@code limit} per candidate.
   */
  public static List<Passage> collapse(List<Passage> ranked, double threshold, int limit) {
    return collapse(ranked, threshold, limit, new TermMemo());
  }

  /** As {@link #collapse(List, double, int)}, with the query's analysed texts. */
  public static List<Passage> collapse(
      List<Passage> ranked, double threshold, int limit, TermMemo memo) {
    List<Passage> kept = new ArrayList<>();
    List<int[]> keptTerms = new ArrayList<>();
    for (Passage p : ranked) {
      if (kept.size() >= limit) {
        break;
      }
      int[] terms = memo.distinct(p.text());
      boolean duplicate = false;
      for (int[] other : keptTerms) {
        if (jaccard(terms, other) >= threshold) {
          duplicate = true;
          break;
        }
      }
      if (!duplicate) {
        kept.add(p);
        keptTerms.add(terms);
      }
    }
    return kept;
  }

  /** Jaccard similarity of two sorted distinct arrays. */
  static double jaccard(int[] a, int[] b) {
    if (a.length == 0 && b.length == 0) {
      return 1;
    }
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        common++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return (double) common / (a.length + b.length - common);
  }
}
