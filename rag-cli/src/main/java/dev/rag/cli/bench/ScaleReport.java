package dev.rag.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.cli.eval.BeirDataset;
import dev.rag.cli.eval.Metrics;
import dev.rag.cli.eval.RetrievalOptions;
import dev.rag.cli.report.HtmlReport;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The scale benchmark's measurements and its table. */
final class ScaleReport {

  private ScaleReport() {}

  /**
   * The HTML report of a scale run (its JSON as written): per size, query latency by mode and load,
   * the indexing rate, recall@10 of the vector search, and Qdrant's memory.
   */
  static HtmlReport html(JsonNode report) {
    List<JsonNode> sizes = new ArrayList<>();
    report.path("sizes").forEach(sizes::add);
    List<String> labels =
        sizes.stream()
            .map(s -> String.format(Locale.ROOT, "%,d", s.path("passages").asLong()))
            .toList();
    List<String> loads = new ArrayList<>();
    if (!sizes.isEmpty()) {
      sizes.get(0).path("latency_ms").fieldNames().forEachRemaining(loads::add);
    }
    List<HtmlReport.Chart> charts = new ArrayList<>();
    for (String percentile : List.of("p50", "p95")) {
      List<HtmlReport.Series> series = new ArrayList<>();
      for (String load : loads) {
        series.add(
            new HtmlReport.Series(
                load.replace("@", " at concurrency "),
                sizes.stream()
                    .map(s -> number(s.path("latency_ms").path(load).path(percentile)))
                    .toList()));
      }
      charts.add(
          new HtmlReport.Chart(
              "Query latency " + percentile + " by index size",
              "line",
              "passages indexed",
              "milliseconds",
              labels,
              series));
    }
    charts.add(
        new HtmlReport.Chart(
            "Indexing rate",
            "bar",
            "passages indexed",
            "passages per second",
            labels,
            List.of(series("through the pipeline", sizes, "passages_per_second", 1))));
    charts.add(
        new HtmlReport.Chart(
            "Recall@10 of the vector search against exact search",
            "line",
            "passages indexed",
            "recall",
            labels,
            List.of(series("recall@10", sizes, "recall_at_10", 1))));
    charts.add(
        new HtmlReport.Chart(
            "Qdrant's memory",
            "bar",
            "passages indexed",
            "MiB",
            labels,
            List.of(
                series("resident", sizes, "qdrant_rss_bytes", 1 << 20),
                series("anonymous", sizes, "qdrant_anonymous_bytes", 1 << 20),
                series("file pages (droppable)", sizes, "qdrant_file_cache_bytes", 1 << 20))));
    return new HtmlReport(
        "Scale: "
            + report.path("model").asText()
            + ", up to "
            + (labels.isEmpty() ? "0" : labels.get(labels.size() - 1))
            + " passages",
        List.of(
            "started " + report.path("started").asText(),
            report.path("real_passages").asLong()
                + " real passages, the rest derived from them; "
                + report.path("chunks_per_document").asInt()
                + " chunks per document"),
        charts);
  }

  private static HtmlReport.Series series(
      String label, List<JsonNode> sizes, String field, double unit) {
    return new HtmlReport.Series(
        label,
        sizes.stream()
            .map(s -> s.path(field).isNumber() ? s.path(field).asDouble() / unit : Double.NaN)
            .toList());
  }

  private static double number(JsonNode n) {
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  /** Query latency through retrieve-service's gRPC Retrieve, after a warm-up. */
  static final class Latency {
    private static final int WARMUP = 30;
    private final RetrieveGrpc.RetrieveBlockingStub retrieve;
    private final List<String> questions;
    private final int requests;
    private final Path pids;

    /**
     * @param pids the pid files of the processes whose CPU time per query is reported ({@code
     *     cpu_ms_<process>}, {@link ScaleProbe#cpuSeconds})
     */
    Latency(
        RetrieveGrpc.RetrieveBlockingStub retrieve,
        List<String> questions,
        int requests,
        Path pids) {
      this.retrieve = retrieve;
      this.questions = questions;
      this.requests = requests;
      this.pids = pids;
    }

    Map<String, Double> measure(String tenant, List<String> sources, String mode, int concurrency)
        throws Exception {
      ClosedLoop.run(
          concurrency, WARMUP, i -> call(tenant, sources, mode, questions.size() - 1 - i));
      Map<String, Double> cpuBefore = ScaleProbe.cpuSeconds(pids);
      ClosedLoop.Run<Double> run =
          ClosedLoop.run(
              concurrency,
              requests,
              i -> {
                long start = System.nanoTime();
                call(tenant, sources, mode, i);
                return (System.nanoTime() - start) / 1e6;
              });
      Map<String, Double> r = new LinkedHashMap<>();
      r.put("p50", Metrics.percentile(run.results(), 50));
      r.put("p95", Metrics.percentile(run.results(), 95));
      r.put("p99", Metrics.percentile(run.results(), 99));
      r.put("qps", run.results().size() / run.seconds());
      ScaleProbe.cpuBetween(cpuBefore, ScaleProbe.cpuSeconds(pids))
          .forEach((name, seconds) -> r.put("cpu_ms_" + name, seconds * 1000 / requests));
      return r;
    }

    private Object call(String tenant, List<String> sources, String mode, int i) {
      return retrieve
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .retrieve(
              RetrieveRequest.newBuilder()
                  .setTenant(tenant)
                  .setQuery(questions.get(Math.floorMod(i, questions.size())))
                  .addAllSources(sources)
                  .setTopK(10)
                  .setMode(RetrievalOptions.mode(mode))
                  .build());
    }
  }

  /** nDCG@10 of SciFact's test queries over the small tenant's SciFact passages, per mode. */
  static Map<String, Double> ndcg(
      RetrieveGrpc.RetrieveBlockingStub retrieve,
      String tenant,
      BeirDataset scifact,
      List<String> modes) {
    Map<String, Double> r = new LinkedHashMap<>();
    for (String mode : modes) {
      double sum = 0;
      int n = 0;
      for (Map.Entry<String, String> q : scifact.queries().entrySet()) {
        Map<String, Integer> relevant = scifact.qrels().get(q.getKey());
        if (relevant == null) {
          continue;
        }
        List<String> ranking =
            Metrics.distinct(
                ScaleBench.ids(
                    retrieve
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .retrieve(
                            RetrieveRequest.newBuilder()
                                .setTenant(tenant)
                                .setQuery(q.getValue())
                                .addSources("scifact")
                                .setTopK(10)
                                .setMode(RetrievalOptions.mode(mode))
                                .build())));
        sum += Metrics.ndcg(ranking, relevant, 10);
        n++;
      }
      r.put(mode, n == 0 ? Double.NaN : sum / n);
    }
    return r;
  }

  /**
   * Share of the exact 10 nearest points (originals, full scan) that the index as configured finds,
   * averaged over the queries.
   */
  static double recall(
      ScaleProbe probe, String tenant, List<float[]> queries, int k, Map<String, Object> params) {
    List<List<String>> exact = new ArrayList<>();
    List<List<String>> approximate = new ArrayList<>();
    for (float[] q : queries) {
      exact.add(probe.nearest(tenant, q, k, EXACT));
      approximate.add(probe.nearest(tenant, q, k, params));
    }
    return recall(exact, approximate);
  }

  /**
   * Recall@k and the median time of Qdrant's dense search for each HNSW {@code ef} and, in a
   * quantized collection, each oversampling: what {@code retrieve.qdrant.index.ef} and {@code
   * oversampling} trade.
   */
  static List<Map<String, Object>> sweep(
      ScaleProbe probe, String tenant, List<float[]> queries, int k, boolean quantized) {
    List<List<String>> exact = new ArrayList<>();
    for (float[] q : queries) {
      exact.add(probe.nearest(tenant, q, k, EXACT));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int ef : List.of(32, 64, 128, 256)) {
      for (double oversampling : quantized ? List.of(1.0, 2.0, 4.0) : List.of(1.0)) {
        Map<String, Object> params =
            quantized
                ? Map.of(
                    "hnsw_ef",
                    ef,
                    "quantization",
                    Map.of("rescore", true, "oversampling", oversampling))
                : Map.of("hnsw_ef", ef);
        List<List<String>> found = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        for (float[] q : queries) {
          long start = System.nanoTime();
          found.add(probe.nearest(tenant, q, k, params));
          ms.add((System.nanoTime() - start) / 1e6);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("ef", ef);
        row.put("oversampling", oversampling);
        row.put("recall_at_10", recall(exact, found));
        row.put("qdrant_ms_p50", Metrics.percentile(ms, 50));
        rows.add(row);
      }
    }
    return rows;
  }

  /** Search parameters of an exact search: a full scan of the original vectors. */
  static final Map<String, Object> EXACT =
      Map.of("exact", true, "quantization", Map.of("ignore", true));

  /**
   * Mean over queries of the share of the exact results that the approximate results hold; a query
   * with no exact result counts as fully recalled.
   */
  static double recall(List<List<String>> exact, List<List<String>> approximate) {
    double sum = 0;
    for (int i = 0; i < exact.size(); i++) {
      Set<String> truth = new HashSet<>(exact.get(i));
      long found = approximate.get(i).stream().distinct().filter(truth::contains).count();
      sum += truth.isEmpty() ? 1 : (double) found / truth.size();
    }
    return exact.isEmpty() ? Double.NaN : sum / exact.size();
  }

  /**
   * Whether derived passages stand in for real ones: for the same queries, the distribution of the
   * best and the tenth best cosine over the real passages and over as many derived ones (exact, in
   * this process).
   */
  static Map<String, Object> derivedVersusReal(ScaleCorpus corpus, List<float[]> queries) {
    int n = corpus.real().size();
    List<float[]> real = corpus.real().stream().map(ScaleCorpus.Passage::vector).toList();
    List<float[]> derived = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      derived.add(corpus.derived(i).vector());
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("passages_each", n);
    r.put("real", topScores(real, queries));
    r.put("derived", topScores(derived, queries));
    List<Double> nearestReal = new ArrayList<>();
    for (int i = 0; i < Math.min(200, n); i++) {
      nearestReal.add(nearestOther(real, i));
    }
    List<Double> nearestDerived = new ArrayList<>();
    for (int i = 0; i < Math.min(200, n); i++) {
      nearestDerived.add(nearestOther(derived, i));
    }
    r.put("real_nearest_neighbour_cosine_p50", Metrics.percentile(nearestReal, 50));
    r.put("derived_nearest_neighbour_cosine_p50", Metrics.percentile(nearestDerived, 50));
    return r;
  }

  private static double nearestOther(List<float[]> vectors, int i) {
    double best = -1;
    for (int j = 0; j < vectors.size(); j++) {
      if (j != i) {
        best = Math.max(best, ScaleCorpus.cosine(vectors.get(i), vectors.get(j)));
      }
    }
    return best;
  }

  private static Map<String, Double> topScores(List<float[]> vectors, List<float[]> queries) {
    List<Double> first = new ArrayList<>();
    List<Double> tenth = new ArrayList<>();
    for (float[] q : queries) {
      double[] top = new double[10];
      Arrays.fill(top, -2);
      for (float[] v : vectors) {
        double s = ScaleCorpus.cosine(q, v);
        if (s > top[9]) {
          int i = 9;
          while (i > 0 && top[i - 1] < s) {
            top[i] = top[i - 1];
            i--;
          }
          top[i] = s;
        }
      }
      first.add(top[0]);
      tenth.add(top[9]);
    }
    Map<String, Double> r = new LinkedHashMap<>();
    r.put("top1_p10", Metrics.percentile(first, 10));
    r.put("top1_p50", Metrics.percentile(first, 50));
    r.put("top1_p90", Metrics.percentile(first, 90));
    r.put("top10_p50", Metrics.percentile(tenth, 50));
    return r;
  }

  @SuppressWarnings("unchecked")
  static void print(List<Map<String, Object>> sizes) {
    System.out.printf(
        "%n%-10s %9s %8s %-24s %-24s %-24s %8s %14s %9s%n",
        "passages",
        "index/s",
        "recall",
        "dense p50/p95/p99 @1",
        "hybrid p50/p95/p99 @1",
        "full p50/p95/p99 @1",
        "full@8",
        "qdrant anon MB",
        "disk MB");
    for (Map<String, Object> s : sizes) {
      Map<String, Map<String, Double>> l = (Map<String, Map<String, Double>>) s.get("latency_ms");
      System.out.printf(
          Locale.ROOT,
          "%-10d %9.0f %8.3f %-24s %-24s %-24s %8s %14.0f %9.0f%n",
          (Long) s.get("passages"),
          (Double) s.get("passages_per_second"),
          (Double) s.get("recall_at_10"),
          triple(l.get("dense@1")),
          triple(l.get("hybrid@1")),
          triple(l.get("full@1")),
          l.get("full@8") == null
              ? "-"
              : String.format(Locale.ROOT, "%.1f", l.get("full@8").get("p95")),
          ((Long) s.get("qdrant_anonymous_bytes")) / 1e6,
          ((Long) s.get("qdrant_disk_bytes")) / 1e6);
    }
    System.out.println("\nCPU seconds while indexing (then while Qdrant optimised), by process:");
    for (Map<String, Object> s : sizes) {
      System.out.printf(
          "%-10d %s (%s)%n",
          (Long) s.get("passages"), s.get("cpu_seconds_indexing"), s.get("cpu_seconds_optimizing"));
    }
  }

  private static String triple(Map<String, Double> l) {
    return l == null
        ? "-"
        : String.format(Locale.ROOT, "%.1f/%.1f/%.1f", l.get("p50"), l.get("p95"), l.get("p99"));
  }
}
