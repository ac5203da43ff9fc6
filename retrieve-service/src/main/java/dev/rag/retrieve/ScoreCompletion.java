package dev.rag.retrieve;

import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Every signal's score for every candidate of a hybrid search. Each signal (the lexical one, the
 * live model's and, with the dense ensemble, a second model's) returns its best {@code depth}
 * passages; a passage that one of them did not return is scored by it as well, so that fusion
 * weighs what that signal really thinks of the passage rather than counting it as its worst
 * candidate. A passage that shares no term with the query has a lexical score of 0; one that a
 * dense index does not hold (gone since it was found, or not yet embedded by that model) stays out
 * of that model's list.
 */
final class ScoreCompletion {

  /** Which score a list ranks by, and what a passage its signal did not score gets. */
  enum Signal {
    DENSE,
    SPARSE
  }

  private ScoreCompletion() {}

  /**
   * Per scope, the passages of the {@code others}' lists that {@code list} lacks, each once and
   * under the point id {@code id} gives it in the index {@code list} came from. A null list of
   * {@code others} (a signal not searched) adds nothing.
   */
  @SafeVarargs
  static List<List<Passage>> lacking(
      List<List<Passage>> list, Function<Passage, String> id, List<List<Passage>>... others) {
    List<List<Passage>> lacking = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Set<String> known = new HashSet<>();
      for (Passage p : list.get(i)) {
        known.add(id.apply(p));
      }
      List<Passage> scope = new ArrayList<>();
      for (List<List<Passage>> other : others) {
        if (other == null) {
          continue;
        }
        for (Passage p : other.get(i)) {
          String pointId = id.apply(p);
          if (known.add(pointId)) {
            scope.add(p.pointId().equals(pointId) ? p : p.withPointId(pointId));
          }
        }
      }
      lacking.add(scope);
    }
    return lacking;
  }

  /** Per scope, the point ids of the passages. */
  static List<List<String>> ids(List<List<Passage>> passages) {
    return passages.stream().map(scope -> scope.stream().map(Passage::pointId).toList()).toList();
  }

  /**
   * Each scope's list with its lacking passages joined at the scores its signal gave them ({@code
   * scores}: per scope, by point id), best first. A lacking passage keeps what it carried (its
   * document, its text) with that one score alone.
   */
  static List<List<Passage>> add(
      List<List<Passage>> list,
      List<List<Passage>> lacking,
      List<Map<String, Double>> scores,
      Signal signal) {
    List<List<Passage>> completed = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      List<Passage> scope = new ArrayList<>(list.get(i));
      Map<String, Double> scored = scores.get(i);
      for (Passage p : lacking.get(i)) {
        Double score = scored.get(p.pointId());
        if (signal == Signal.DENSE && score != null) {
          scope.add(p.withScores(Scores.NONE.withDense(score)));
        } else if (signal == Signal.SPARSE) {
          scope.add(p.withScores(Scores.NONE.withSparse(score == null ? 0 : score)));
        }
      }
      completed.add(
          bestFirst(
              scope, signal == Signal.DENSE ? p -> p.scores().dense() : p -> p.scores().sparse()));
    }
    return completed;
  }

  private static List<Passage> bestFirst(List<Passage> list, ToDoubleFunction<Passage> score) {
    list.sort(Comparator.comparingDouble(score).reversed());
    return list;
  }
}
