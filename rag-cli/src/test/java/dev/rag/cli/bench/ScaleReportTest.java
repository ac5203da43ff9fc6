package dev.rag.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.cli.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void itsHtmlReportChartsEachSizesFigures(@TempDir Path dir) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, Object> small =
        Map.of(
            "passages",
            10_000,
            "passages_per_second",
            480.5,
            "recall_at_10",
            0.999,
            "qdrant_rss_bytes",
            300L << 20,
            "latency_ms",
            Map.of(
                "full@1",
                Map.of("p50", 20.0, "p95", 30.0),
                "full@8",
                Map.of("p50", 60.0, "p95", 90.0)));
    Map<String, Object> large =
        Map.of(
            "passages",
            1_000_000,
            "passages_per_second",
            470.0,
            "recall_at_10",
            0.998,
            "qdrant_rss_bytes",
            1200L << 20,
            "latency_ms",
            Map.of(
                "full@1",
                Map.of("p50", 40.0, "p95", 51.7),
                "full@8",
                Map.of("p50", 300.0, "p95", 888.0)));
    Map<String, Object> report =
        Map.of(
            "model", "bge-small-en-v1.5-int8",
            "started", "2026-11-30T10:00:00Z",
            "sizes", List.of(small, large));

    HtmlReport html = ScaleReport.html(json.valueToTree(report));
    Path page = html.write(dir.resolve("scale.json"), report);

    assertThat(html.title()).isEqualTo("Scale: bge-small-en-v1.5-int8, up to 1,000,000 passages");
    HtmlReport.Chart p95 = html.charts().get(1);
    assertThat(p95.title()).isEqualTo("Query latency p95 by index size");
    assertThat(p95.labels()).containsExactly("10,000", "1,000,000");
    assertThat(p95.series())
        .extracting(HtmlReport.Series::label)
        .containsExactlyInAnyOrder("full at concurrency 1", "full at concurrency 8");
    assertThat(p95.series())
        .filteredOn(s -> s.label().equals("full at concurrency 8"))
        .singleElement()
        .satisfies(s -> assertThat(s.values()).containsExactly(90.0, 888.0));
    HtmlReport.Chart memory = html.charts().get(4);
    assertThat(memory.series().get(0).values()).containsExactly(300.0, 1200.0);
    // Figures the run did not take are gaps, not zeros.
    assertThat(memory.series().get(1).values()).allMatch(v -> v.isNaN());
    assertThat(Files.readString(page)).contains("<td>888</td>").contains("<td>–</td>");
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
