package dev.rag.retrieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Collapses passages that say the same thing (the same paragraph stored in two sources, say): of a
 * group whose analysed terms overlap by at least the threshold (Jaccard), only the best-ranked one
 * stays.
 */
public final class NearDuplicates {

  private NearDuplicates() {}

  /** The ranked list without near-duplicates of better-ranked passages. */
  public static List<Passage> collapse(List<Passage> ranked, double threshold) {
    List<Passage> kept = new ArrayList<>();
    List<Set<Integer>> keptTerms = new ArrayList<>();
    for (Passage p : ranked) {
      Set<Integer> terms = LexicalEncoder.termIds(p.text());
      boolean duplicate = false;
      for (Set<Integer> other : keptTerms) {
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

  static double jaccard(Set<Integer> a, Set<Integer> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return 1;
    }
    int common = 0;
    Set<Integer> small = a.size() <= b.size() ? a : b;
    Set<Integer> large = small == a ? b : a;
    for (Integer t : small) {
      if (large.contains(t)) {
        common++;
      }
    }
    return (double) common / (a.size() + b.size() - common);
  }
}
