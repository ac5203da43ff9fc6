package dev.rag.retrieve.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DenseEnsembleTest {

  /** A hit of one model's index: its point ids are "model:doc". */
  private static Passage hit(String model, String doc, double cosine) {
    return new Passage(
        model + ":" + doc,
        "t",
        "s",
        doc,
        "v",
        0,
        "",
        "",
        doc,
        Map.of(),
        Scores.NONE.withDense(cosine),
        0,
        0);
  }

  private static String liveId(Passage p) {
    return "live:" + p.documentId();
  }

  @Test
  void blendsBothSimilaritiesUnderTheLiveIndexIds() {
    List<Passage> merged =
        DenseEnsemble.merge(
            List.of(hit("live", "a", 0.80), hit("live", "b", 0.70), hit("live", "c", 0.60)),
            List.of(hit("e5", "b", 0.90), hit("e5", "d", 0.88), hit("e5", "a", 0.85)),
            0.5,
            DenseEnsembleTest::liveId);

    // a: (0.80 + 0.85) / 2; b: (0.70 + 0.90) / 2; c: only live, e5's lowest 0.85 stands in;
    // d: only e5, live's lowest 0.60 stands in.
    assertThat(merged)
        .extracting(Passage::pointId)
        .containsExactly("live:a", "live:b", "live:d", "live:c");
    assertThat(merged.get(0).scores().dense()).isCloseTo(0.825, within(1e-9));
    assertThat(merged.get(1).scores().dense()).isCloseTo(0.800, within(1e-9));
    assertThat(merged.get(2).scores().dense()).isCloseTo(0.740, within(1e-9));
    assertThat(merged.get(3).scores().dense()).isCloseTo(0.725, within(1e-9));
  }

  @Test
  void theWeightMovesTheOrderFromOneModelToTheOther() {
    List<Passage> live = List.of(hit("live", "a", 0.9), hit("live", "b", 0.5));
    List<Passage> second = List.of(hit("e5", "b", 0.9), hit("e5", "a", 0.5));

    assertThat(DenseEnsemble.merge(live, second, 0, DenseEnsembleTest::liveId))
        .extracting(Passage::pointId)
        .containsExactly("live:a", "live:b");
    assertThat(DenseEnsemble.merge(live, second, 1, DenseEnsembleTest::liveId))
        .extracting(Passage::pointId)
        .containsExactly("live:b", "live:a");
  }

  @Test
  void noSecondHitsLeaveTheLiveHitsAsTheyAre() {
    List<Passage> live = List.of(hit("live", "a", 0.9), hit("live", "b", 0.5));

    assertThat(DenseEnsemble.merge(live, List.of(), 0.5, DenseEnsembleTest::liveId)).isSameAs(live);
  }
}
