package dev.rag.cli.eval;

import dev.rag.cli.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The figures of an evaluation: a table on stdout as they come, then a JSON report. */
final class EvalReport {

  /**
   * One mode's figures.
   *
   * @param ownNdcg10 nDCG@10 with other collections' documents taken out of each ranking: when
   *     every source of the tenant is searched, what is left of the collection's own order
   * @param foreign10 mean share of the first 10 documents that are other collections'
   * @param foreign10BySource that share by the other collection's source
   * @param ndcg10ByQuery each query's nDCG@10, by query id
   */
  record Figures(
      String mode,
      double ndcg10,
      double recall100,
      double mrr10,
      double p50Ms,
      double p95Ms,
      int queries,
      double ownNdcg10,
      double foreign10,
      Map<String, Double> foreign10BySource,
      Map<String, Double> ndcg10ByQuery) {

    /** Figures of a search of the collection's own sources alone. */
    Figures(
        String mode,
        double ndcg10,
        double recall100,
        double mrr10,
        double p50Ms,
        double p95Ms,
        int queries) {
      this(mode, ndcg10, recall100, mrr10, p50Ms, p95Ms, queries, ndcg10, 0, Map.of(), Map.of());
    }
  }

  private EvalReport() {}

  /** The table's header line. */
  static void printHeader() {
    System.out.printf(
        "%n%-22s %8s %10s %7s %8s %8s %9s %10s%n",
        "mode", "nDCG@10", "Recall@100", "MRR@10", "p50 ms", "p95 ms", "own@10", "foreign@10");
  }

  /** One row of the table. */
  static void print(Figures f) {
    System.out.printf(
        Locale.ROOT,
        "%-22s %8.4f %10.4f %7.4f %8.1f %8.1f %9.4f %10.3f%n",
        f.mode(),
        f.ndcg10(),
        f.recall100(),
        f.mrr10(),
        f.p50Ms(),
        f.p95Ms(),
        f.ownNdcg10(),
        f.foreign10());
    if (!f.foreign10BySource().isEmpty()) {
      StringBuilder line = new StringBuilder("  foreign@10 by source:");
      f.foreign10BySource()
          .forEach(
              (source, share) ->
                  line.append(String.format(Locale.ROOT, " %s %.3f", source, share)));
      System.out.println(line);
    }
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
    int queries = results.isEmpty() ? 0 : results.get(0).queries();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", data.name());
    json.put("split", split);
    json.put("queries", queries);
    json.put("documents", data.corpus().size());
    json.put("sources", sources);
    json.put("top_k", topK);
    json.put("results", results);
    List<String> modes = results.stream().map(Figures::mode).toList();
    HtmlReport html =
        new HtmlReport(
            "Retrieval on " + data.name() + " (" + split + ")",
            List.of(
                queries + " judged queries over " + data.corpus().size() + " documents",
                "sources " + (sources.isEmpty() ? "all" : String.join(", ", sources)),
                "top_k " + topK + "; latency is one query at a time, through retrieve-service"),
            List.of(
                new HtmlReport.Chart(
                    "Quality by mode",
                    "bar",
                    "mode",
                    "score",
                    modes,
                    List.of(
                        series("nDCG@10", results, Figures::ndcg10),
                        series("Recall@100", results, Figures::recall100),
                        series("MRR@10", results, Figures::mrr10))),
                new HtmlReport.Chart(
                    "Latency by mode",
                    "bar",
                    "mode",
                    "milliseconds",
                    modes,
                    List.of(
                        series("p50", results, Figures::p50Ms),
                        series("p95", results, Figures::p95Ms)))));
    Path page = html.write(file, json);
    System.err.println("Report: " + file.toAbsolutePath() + " (charts: " + page + ")");
  }

  private static HtmlReport.Series series(
      String label, List<Figures> results, ToDoubleFunction<Figures> value) {
    return new HtmlReport.Series(label, results.stream().map(f -> value.applyAsDouble(f)).toList());
  }
}
