package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.retrieve.ScoreCompletion.Signal;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ScoreCompletionTest {

  /**
   * A chunk's id in the live index: its document's name; in the second model's: "e5:" before it.
   */
  private static final Function<Passage, String> LIVE = p -> p.documentId();

  private static final Function<Passage, String> SECOND = p -> "e5:" + p.documentId();

  private static Passage p(String id, String doc, Scores scores) {
    return new Passage(id, "t", "s", doc, "v", 0, "", "", "", Map.of(), scores, 0, 0);
  }

  private static Passage dense(String doc, double score) {
    return p(doc, doc, Scores.NONE.withDense(score));
  }

  private static Passage second(String doc, double score) {
    return p("e5:" + doc, doc, Scores.NONE.withDense(score));
  }

  private static Passage sparse(String doc, double score) {
    return p(doc, doc, Scores.NONE.withSparse(score));
  }

  private static List<String> ids(List<Passage> passages) {
    return passages.stream().map(Passage::pointId).toList();
  }

  @Test
  void eachListGainsTheOtherListsPassagesWithTheScoresItsSignalGaveThem() {
    List<List<Passage>> dense =
        List.of(List.of(dense("both", 0.9), dense("dense-only", 0.8)), List.of(dense("b1", 0.7)));
    List<List<Passage>> sparse =
        List.of(List.of(sparse("sparse-only", 7.0), sparse("both", 5.0)), List.of());

    List<List<Passage>> denseLacking = ScoreCompletion.lacking(dense, LIVE, sparse);
    List<List<Passage>> sparseLacking = ScoreCompletion.lacking(sparse, LIVE, dense);
    assertThat(ScoreCompletion.ids(denseLacking))
        .containsExactly(List.of("sparse-only"), List.of());
    assertThat(ScoreCompletion.ids(sparseLacking))
        .containsExactly(List.of("dense-only"), List.of("b1"));

    List<List<Passage>> denseDone =
        ScoreCompletion.add(
            dense, denseLacking, List.of(Map.of("sparse-only", 0.85), Map.of()), Signal.DENSE);
    // "b1" shares no term with the query: the store leaves it out, its lexical score is 0.
    List<List<Passage>> sparseDone =
        ScoreCompletion.add(
            sparse, sparseLacking, List.of(Map.of("dense-only", 2.5), Map.of()), Signal.SPARSE);

    // Best first, the completed passage in its place by score.
    assertThat(ids(denseDone.get(0))).containsExactly("both", "sparse-only", "dense-only");
    assertThat(denseDone.get(0).get(1).scores().dense()).isEqualTo(0.85);
    assertThat(ids(sparseDone.get(0))).containsExactly("sparse-only", "both", "dense-only");
    Passage added = sparseDone.get(0).get(2);
    assertThat(added.scores().sparse()).isEqualTo(2.5);
    // The passage keeps what it carried (its document), with the one signal's score alone.
    assertThat(added.documentId()).isEqualTo("dense-only");
    assertThat(added.scores().dense()).isZero();

    assertThat(ids(denseDone.get(1))).containsExactly("b1");
    assertThat(ids(sparseDone.get(1))).containsExactly("b1");
    assertThat(sparseDone.get(1).get(0).scores().sparse()).isZero();
  }

  @Test
  void aPassageGoneBeforeTheDenseSignalScoredItStaysOutOfItsList() {
    List<List<Passage>> dense = List.of(List.of(dense("x", 0.5)));
    List<List<Passage>> lacking =
        ScoreCompletion.lacking(dense, LIVE, List.of(List.of(sparse("gone", 3.0))));
    assertThat(ids(ScoreCompletion.add(dense, lacking, List.of(Map.of()), Signal.DENSE).get(0)))
        .containsExactly("x");
  }

  @Test
  void aSecondModelScoresEveryCandidateUnderItsOwnIndexsPointIds() {
    List<List<Passage>> live = List.of(List.of(dense("a", 0.9), dense("b", 0.8)));
    List<List<Passage>> other = List.of(List.of(second("b", 0.7), second("c", 0.6)));
    List<List<Passage>> sparse = List.of(List.of(sparse("d", 4.0), sparse("a", 3.0)));

    // Each signal lacks what the two others found, once, under its own index's ids.
    assertThat(ScoreCompletion.ids(ScoreCompletion.lacking(live, LIVE, sparse, other)))
        .containsExactly(List.of("d", "c"));
    List<List<Passage>> secondLacking = ScoreCompletion.lacking(other, SECOND, live, sparse);
    assertThat(ScoreCompletion.ids(secondLacking)).containsExactly(List.of("e5:a", "e5:d"));
    assertThat(ScoreCompletion.ids(ScoreCompletion.lacking(sparse, LIVE, live, other)))
        .containsExactly(List.of("b", "c"));

    List<List<Passage>> secondDone =
        ScoreCompletion.add(
            other, secondLacking, List.of(Map.of("e5:a", 0.95, "e5:d", 0.1)), Signal.DENSE);
    assertThat(ids(secondDone.get(0))).containsExactly("e5:a", "e5:b", "e5:c", "e5:d");
    assertThat(secondDone.get(0).get(0).documentId()).isEqualTo("a");
  }
}
