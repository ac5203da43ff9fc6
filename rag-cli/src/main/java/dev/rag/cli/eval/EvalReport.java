package dev.rag.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of an evaluation: a table on stdout as they come, then a JSON report. */
final class EvalReport {

  /** One mode's figures. */
  record Figures(
      String mode,
      double ndcg10,
      double recall100,
      double mrr10,
      double p50Ms,
      double p95Ms,
      int queries) {}

  private EvalReport() {}

  /** The table's header line. */
  static void printHeader() {
    System.out.printf(
        "%n%-22s %8s %10s %7s %8s %8s%n",
        "mode", "nDCG@10", "Recall@100", "MRR@10", "p50 ms", "p95 ms");
  }

  /** One row of the table. */
  static void print(Figures f) {
    System.out.printf(
        Locale.ROOT,
        "%-22s %8.4f %10.4f %7.4f %8.1f %8.1f%n",
        f.mode(),
        f.ndcg10(),
        f.recall100(),
        f.mrr10(),
        f.p50Ms(),
        f.p95Ms());
  }

  /** Writes the JSON report of a run to {@code file}. */
  static void write(
      Path file,
      BeirDataset data,
      String split,
      List<String> sources,
      int topK,
      List<Figures> results)
      throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", data.name());
    json.put("split", split);
    json.put("queries", results.isEmpty() ? 0 : results.get(0).queries());
    json.put("documents", data.corpus().size());
    json.put("sources", sources);
    json.put("top_k", topK);
    json.put("results", results);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    System.err.println("Report: " + file.toAbsolutePath());
  }
}
