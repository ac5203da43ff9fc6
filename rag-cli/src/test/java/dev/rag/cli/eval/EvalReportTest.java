package dev.rag.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.testsupport.BrowserScript;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An evaluation's report: the JSON, and beside it the HTML page whose charts, opened offline in
 * real Chromium from the folder, show the numbers of the JSON, as do its tables; a dataset name
 * that is markup stays text.
 */
class EvalReportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void writesTheJsonAndAPageWhoseChartsAndTablesShowItsNumbers() throws Exception {
    String name = "sci<script>alert(1)</script>fact";
    BeirDataset data =
        new BeirDataset(
            name,
            List.of(new BeirDataset.Doc("d1", "A", "x"), new BeirDataset.Doc("d2", "B", "y")),
            Map.of("q1", "why?"),
            Map.of("q1", Map.of("d1", 1)));
    List<EvalReport.Figures> results =
        List.of(
            new EvalReport.Figures("dense", 0.7131, 0.9251, 0.6802, 11.4, 19.05, 300),
            new EvalReport.Figures("hybrid rrf", 0.7318, 0.9502, 0.7, 14.2, 24.8, 300),
            new EvalReport.Figures("full", 0.7527, 0.961, 0.7199, 18.1, 30.25, 300));
    Path json = dir.resolve("eval").resolve("scifact-test.json");
    EvalReport.write(json, data, "test", List.of(), 10, results);

    Path html = json.resolveSibling("scifact-test.html");
    assertThat(html).isNotEmptyFile();
    for (String asset : List.of("chart.umd.min.js", "report.js", "report.css")) {
      assertThat(json.resolveSibling(asset)).isNotEmptyFile();
    }
    assertThat(Files.readString(html)).doesNotContain("<script>alert(1)");

    // What the charts must show, read back from the JSON: per chart, per series, per mode.
    JsonNode written = JSON.readTree(json.toFile());
    List<String> modes = new ArrayList<>();
    written.path("results").forEach(r -> modes.add(r.path("mode").asText()));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("title", "Retrieval on " + name + " (test)");
    expected.put(
        "charts",
        List.of(
            chart(
                "Quality by mode",
                modes,
                written,
                Map.of("nDCG@10", "ndcg10", "Recall@100", "recall100", "MRR@10", "mrr10")),
            chart("Latency by mode", modes, written, Map.of("p50", "p50Ms", "p95", "p95Ms"))));
    Path expectedFile = dir.resolve("expected.json");
    JSON.writeValue(expectedFile.toFile(), expected);

    URL script = EvalReportTest.class.getResource("/report-test/report-page.mjs");
    Path shot = Path.of("target", "report-test", "eval-report.png").toAbsolutePath();
    Files.createDirectories(shot.getParent());
    BrowserScript.run(
        Path.of(script.toURI()),
        Duration.ofSeconds(180),
        html.toUri().toString(),
        expectedFile.toString(),
        shot.toString(),
        BrowserScript.chromium().toString(),
        BrowserScript.playwright().toString());
    assertThat(shot).isNotEmptyFile();
  }

  private static Map<String, Object> chart(
      String title, List<String> labels, JsonNode written, Map<String, String> fields) {
    List<Map<String, Object>> series = new ArrayList<>();
    for (String label : List.of("nDCG@10", "Recall@100", "MRR@10", "p50", "p95")) {
      String field = fields.get(label);
      if (field == null) {
        continue;
      }
      List<Double> values = new ArrayList<>();
      written.path("results").forEach(r -> values.add(r.path(field).asDouble()));
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("label", label);
      one.put("values", values);
      series.add(one);
    }
    return Map.of("title", title, "labels", labels, "series", series);
  }
}
