package dev.rag.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleReportTest {

  @Test
  void recallIsTheMeanShareOfExactResultsFound() {
    double recall =
        ScaleReport.recall(
            List.of(
                List.of("a", "b", "c", "d"), // half found
                List.of("e", "f"), // all found, in another order
                List.of()), // nothing to find: fully recalled
            List.of(List.of("a", "x", "b", "y"), List.of("f", "e"), List.of("z")));

    assertThat(recall).isCloseTo((0.5 + 1 + 1) / 3, within(1e-12));
  }

  @Test
  void aResultFoundTwiceCountsOnce() {
    assertThat(ScaleReport.recall(List.of(List.of("a", "b")), List.of(List.of("a", "a"))))
        .isEqualTo(0.5);
  }

  private static ScaleCorpus corpus() {
    List<ScaleCorpus.Passage> real = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      float[] v = new float[16];
      v[i % 16] = 0.8f;
      v[(i * 7 + 3) % 16] += 0.6f;
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      for (int d = 0; d < 16; d++) {
        v[d] /= (float) Math.sqrt(norm);
      }
      real.add(
          new ScaleCorpus.Passage(
              "set",
              "r" + i,
              "First sentence of " + i + ". Second one here. A third, to recombine.",
              v));
    }
    return new ScaleCorpus(real);
  }

  @Test
  void aDerivedPassageIsTheSameOnEveryRunAndItsVectorHasUnitLength() {
    ScaleCorpus corpus = corpus();
    ScaleCorpus.Passage one = corpus.derived(12345);
    ScaleCorpus.Passage again = corpus().derived(12345);

    assertThat(again.text()).isEqualTo(one.text());
    assertThat(again.vector()).containsExactly(one.vector());
    assertThat(ScaleCorpus.cosine(one.vector(), one.vector())).isCloseTo(1, within(1e-5));
    assertThat(corpus.derived(12346).text()).isNotBlank();
    assertThat(corpus.derived(12346).vector()).isNotEqualTo(one.vector());
    // Its text is made of the real passages' sentences.
    assertThat(one.text()).contains("First sentence of ");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theDerivedAndRealScoreDistributionsAreReported() {
    ScaleCorpus corpus = corpus();
    List<float[]> queries = List.of(corpus.real().get(0).vector(), corpus.real().get(5).vector());

    Map<String, Object> r = ScaleReport.derivedVersusReal(corpus, queries);

    assertThat(r).containsKeys("real", "derived", "passages_each");
    // A query equal to a real passage finds it with cosine 1.
    assertThat(((Map<String, Double>) r.get("real")).get("top1_p90")).isCloseTo(1, within(1e-5));
    assertThat(((Map<String, Double>) r.get("derived")).get("top1_p50")).isBetween(0.0, 1.0);
  }
}
