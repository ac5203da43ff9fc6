package dev.rag.retrieve;

import dev.rag.retrieve.PassageRepository.ScopeHits;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Both signals' scores for every candidate of a hybrid search. Each signal returns its best {@code
 * depth} passages; a passage only one of them returned is scored by the other as well, so that
 * fusion weighs what the other signal really thinks of it rather than counting it as that signal's
 * worst candidate. A passage that shares no term with the query has a lexical score of 0.
 */
final class ScoreCompletion {

  private ScoreCompletion() {}

  /** Per scope, the point ids the lexical signal found and the dense one did not. */
  static List<List<String>> missingFromDense(List<ScopeHits> hits) {
    return hits.stream().map(h -> missing(h.sparse(), h.dense())).toList();
  }

  /** Per scope, the point ids the dense signal found and the lexical one did not. */
  static List<List<String>> missingFromSparse(List<ScopeHits> hits) {
    return hits.stream().map(h -> missing(h.dense(), h.sparse())).toList();
  }

  /**
   * Each scope's hits with the missing scores added: a passage of one list joins the other with the
   * score the other signal gave it ({@code denseScores}, {@code sparseScores}: per scope, by point
   * id), each list still best first. A passage the dense signal did not score (gone since it was
   * found) stays out of the dense list; one the lexical signal did not score gets 0 there.
   */
  static List<ScopeHits> complete(
      List<ScopeHits> hits,
      List<Map<String, Double>> denseScores,
      List<Map<String, Double>> sparseScores) {
    List<ScopeHits> completed = new ArrayList<>(hits.size());
    for (int i = 0; i < hits.size(); i++) {
      ScopeHits h = hits.get(i);
      Map<String, Double> dense = denseScores.get(i);
      Map<String, Double> sparse = sparseScores.get(i);
      List<Passage> denseList = new ArrayList<>(h.dense());
      for (Passage p : others(h.sparse(), h.dense())) {
        Double score = dense.get(p.pointId());
        if (score != null) {
          denseList.add(p.withScores(Scores.NONE.withDense(score)));
        }
      }
      List<Passage> sparseList = new ArrayList<>(h.sparse());
      for (Passage p : others(h.dense(), h.sparse())) {
        sparseList.add(p.withScores(Scores.NONE.withSparse(sparse.getOrDefault(p.pointId(), 0.0))));
      }
      completed.add(
          new ScopeHits(
              h.name(),
              bestFirst(denseList, p -> p.scores().dense()),
              bestFirst(sparseList, p -> p.scores().sparse())));
    }
    return completed;
  }

  private static List<String> missing(List<Passage> from, List<Passage> in) {
    return others(from, in).stream().map(Passage::pointId).toList();
  }

  /** The passages of {@code from} that {@code in} does not hold. */
  private static List<Passage> others(List<Passage> from, List<Passage> in) {
    Set<String> known = new HashSet<>();
    for (Passage p : in) {
      known.add(p.pointId());
    }
    List<Passage> out = new ArrayList<>();
    for (Passage p : from) {
      if (known.add(p.pointId())) {
        out.add(p);
      }
    }
    return out;
  }

  private static List<Passage> bestFirst(List<Passage> list, ToDoubleFunction<Passage> score) {
    list.sort(Comparator.comparingDouble(score).reversed());
    return list;
  }
}
