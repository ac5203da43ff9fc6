package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.retrieve.PassageRepository.ScopeHits;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoreCompletionTest {

  private static Passage p(String id, Scores scores) {
    return new Passage(id, "t", "s", "d-" + id, "v", 0, "", "", "", Map.of(), scores, 0, 0);
  }

  private static Passage dense(String id, double score) {
    return p(id, Scores.NONE.withDense(score));
  }

  private static Passage sparse(String id, double score) {
    return p(id, Scores.NONE.withSparse(score));
  }

  private static List<String> ids(List<Passage> passages) {
    return passages.stream().map(Passage::pointId).toList();
  }

  @Test
  void eachListGainsTheOtherListsPassagesWithTheScoresItsSignalGaveThem() {
    List<ScopeHits> hits =
        List.of(
            new ScopeHits(
                "a",
                List.of(dense("both", 0.9), dense("dense-only", 0.8)),
                List.of(sparse("sparse-only", 7.0), sparse("both", 5.0))),
            new ScopeHits("b", List.of(dense("b1", 0.7)), List.of()));

    assertThat(ScoreCompletion.missingFromDense(hits))
        .containsExactly(List.of("sparse-only"), List.of());
    assertThat(ScoreCompletion.missingFromSparse(hits))
        .containsExactly(List.of("dense-only"), List.of("b1"));

    List<ScopeHits> completed =
        ScoreCompletion.complete(
            hits,
            List.of(Map.of("sparse-only", 0.85), Map.of()),
            // "b1" shares no term with the query: the store leaves it out, its lexical score is 0.
            List.of(Map.of("dense-only", 2.5), Map.of()));

    ScopeHits a = completed.get(0);
    // Best first, the completed passage in its place by score.
    assertThat(ids(a.dense())).containsExactly("both", "sparse-only", "dense-only");
    assertThat(a.dense().get(1).scores().dense()).isEqualTo(0.85);
    assertThat(ids(a.sparse())).containsExactly("sparse-only", "both", "dense-only");
    assertThat(a.sparse().get(2).scores().sparse()).isEqualTo(2.5);
    // The passage keeps what it carried (its document), with the one signal's score alone.
    assertThat(a.sparse().get(2).documentId()).isEqualTo("d-dense-only");
    assertThat(a.sparse().get(2).scores().dense()).isZero();

    ScopeHits b = completed.get(1);
    assertThat(ids(b.dense())).containsExactly("b1");
    assertThat(ids(b.sparse())).containsExactly("b1");
    assertThat(b.sparse().get(0).scores().sparse()).isZero();
  }

  @Test
  void aPassageGoneBeforeTheDenseSignalScoredItStaysOutOfItsList() {
    List<ScopeHits> hits =
        List.of(new ScopeHits("a", List.of(dense("x", 0.5)), List.of(sparse("gone", 3.0))));
    ScopeHits completed =
        ScoreCompletion.complete(hits, List.of(Map.of()), List.of(Map.of("x", 1.0))).get(0);
    assertThat(ids(completed.dense())).containsExactly("x");
    assertThat(ids(completed.sparse())).containsExactly("gone", "x");
  }
}
