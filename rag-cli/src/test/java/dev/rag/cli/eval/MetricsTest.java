package dev.rag.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void ndcgDiscountsByLogRankAndNormalisesByTheIdealRanking() {
    Map<String, Integer> relevant = Map.of("a", 1, "b", 1);
    // Relevant at ranks 1 and 3: DCG = 1 + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3).
    double expected = 1.5 / (1 + 1 / (Math.log(3) / Math.log(2)));
    assertThat(Metrics.ndcg(List.of("a", "x", "b"), relevant, 10))
        .isCloseTo(expected, within(1e-12));
    assertThat(Metrics.ndcg(List.of("a", "b"), relevant, 10)).isCloseTo(1.0, within(1e-12));
    assertThat(Metrics.ndcg(List.of("x", "y"), relevant, 10)).isZero();
    // Cut at k: a relevant document at rank 3 does not count for nDCG@2.
    assertThat(Metrics.ndcg(List.of("x", "y", "a"), relevant, 2)).isZero();
  }

  @Test
  void ndcgUsesGradedGainsLinearly() {
    Map<String, Integer> relevant = Map.of("a", 2, "b", 1);
    // Ranking b, a: DCG = 1 + 2/log2(3); ideal a, b: 2 + 1/log2(3).
    double log3 = Math.log(3) / Math.log(2);
    assertThat(Metrics.ndcg(List.of("b", "a"), relevant, 10))
        .isCloseTo((1 + 2 / log3) / (2 + 1 / log3), within(1e-12));
  }

  @Test
  void anotherCollectionsDocumentIsNeverTakenForOneOfTheCollectionsOwn() {
    // "12" is judged relevant in the collection (source cisi); cacm has a document "12" too.
    Map<String, Integer> relevant = Map.of("12", 1);
    List<Metrics.Hit> hits =
        List.of(
            new Metrics.Hit("cacm", "12"),
            new Metrics.Hit("cacm", "12"),
            new Metrics.Hit("cisi", "7"),
            new Metrics.Hit("cisi", "12"),
            new Metrics.Hit("cisi", "12"));
    List<String> ranking = Metrics.documents(hits, Set.of("cisi"));
    // cacm's 12 keeps its place and counts once; cisi's 12 is third, not merged into the first.
    assertThat(ranking).hasSize(3);
    assertThat(Metrics.foreign(ranking.get(0))).isTrue();
    assertThat(Metrics.foreignSource(ranking.get(0))).isEqualTo("cacm");
    assertThat(ranking.subList(1, 3)).containsExactly("7", "12");
    assertThat(Metrics.mrr(ranking, relevant, 10)).isEqualTo(1.0 / 3);
    assertThat(Metrics.foreignShare(ranking, 10)).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(Metrics.foreignShare(ranking, 1)).isEqualTo(1.0);
    assertThat(Metrics.foreignShare(List.of(), 10)).isZero();
    // Without other collections' documents, cisi's own order: 7, 12.
    assertThat(Metrics.own(ranking)).containsExactly("7", "12");
    assertThat(Metrics.mrr(Metrics.own(ranking), relevant, 10)).isEqualTo(0.5);
  }

  @Test
  void recallAndReciprocalRank() {
    Map<String, Integer> relevant = Map.of("a", 1, "b", 1, "c", 1, "d", 1);
    List<String> ranking = List.of("x", "b", "y", "a");
    assertThat(Metrics.recall(ranking, relevant, 100)).isEqualTo(0.5);
    assertThat(Metrics.recall(ranking, relevant, 2)).isEqualTo(0.25);
    assertThat(Metrics.mrr(ranking, relevant, 10)).isEqualTo(0.5);
    assertThat(Metrics.mrr(ranking, relevant, 1)).isZero();
  }

  @Test
  void turnsAPassageRankingIntoADocumentRanking() {
    assertThat(Metrics.distinct(List.of("a", "a", "b", "a", "c"))).containsExactly("a", "b", "c");
  }

  @Test
  void percentilesByNearestRank() {
    List<Double> values = List.of(5.0, 1.0, 3.0, 2.0, 4.0);
    assertThat(Metrics.percentile(values, 50)).isEqualTo(3.0);
    assertThat(Metrics.percentile(values, 95)).isEqualTo(5.0);
    assertThat(Metrics.percentile(values, 20)).isEqualTo(1.0);
  }
}
