package dev.rag.cli.bench;

import dev.rag.cli.config.CliConfig;
import dev.rag.cli.eval.BeirDataset;
import dev.rag.cli.eval.Metrics;
import dev.rag.cli.eval.RetrievalOptions;
import dev.rag.cli.report.HtmlReport;
import dev.rag.proto.v1.EnsembleOptions;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.LexicalOptions;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rag bench retrieve}: gRPC Retrieve latency on loopback with a dataset's queries, at each
 * requested concurrency, after a warm-up.
 */
@Command(
    name = "retrieve",
    mixinStandardHelpOptions = true,
    description = "Latency of gRPC Retrieve (p50/p95/p99) and throughput at each concurrency.")
public class RetrieveBench implements Callable<Integer> {

  @Mixin DatasetOptions dataset;

  @Mixin LoadOptions load;

  @Option(
      names = "--mode",
      defaultValue = "full",
      description = "retrieval mode (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--top-k", defaultValue = "10")
  int topK;

  @Option(
      names = "--warmup",
      defaultValue = "300",
      description =
          "calls made before measuring, so that neither this client nor the service is measured"
              + " before its code is compiled; with another split's queries when the folder has"
              + " one, so no measured query was asked before (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(names = "--source", description = "sources to search (default: all)")
  List<String> sources;

  @Option(
      names = "--feedback",
      description =
          "lexical feedback: off, or passages,terms,query-weight; given more than once, each"
              + " setting is measured at each concurrency in turn, side by side (default: the"
              + " service's)")
  List<String> feedback;

  @Option(
      names = "--ensemble",
      description =
          "dense ensemble: off, or the second model's weight; given more than once, each setting"
              + " is measured in turn, side by side (with --feedback: every pair; default: the"
              + " service's)")
  List<String> ensemble;

  @Option(
      names = "--depth",
      description =
          "candidates fetched per signal and source; given more than once, each setting is"
              + " measured in turn, side by side (with --feedback or --ensemble: every"
              + " combination; default: the service's)")
  List<Integer> depth;

  @Option(
      names = "--complete-scores",
      arity = "1",
      description =
          "score completion (true or false); given more than once, each setting is measured in"
              + " turn, side by side (default: the service's)")
  List<Boolean> completeScores;

  /** One setting measured: its label and the overrides it sends. */
  private record Variant(
      String label, LexicalOptions lexical, EnsembleOptions ensemble, HybridOptions hybrid) {}

  @GrpcClient("retrieve")
  RetrieveGrpc.RetrieveBlockingStub retrieve;

  @Inject CliConfig config;

  @Override
  public Integer call() throws Exception {
    List<String> queries = new ArrayList<>(dataset.load().queries().values());
    System.out.printf(
        "retrieve benchmark: mode %s, top_k %d, %d queries%n", mode, topK, queries.size());
    List<String> warmupQueries = queries;
    String other = "train".equals(dataset.split) ? "test" : "train";
    if (Files.isRegularFile(dataset.dir.resolve("qrels").resolve(other + ".tsv"))) {
      warmupQueries = new ArrayList<>(BeirDataset.load(dataset.dir, other).queries().values());
    }
    Variant none = new Variant("default", null, null, null);
    for (int i = 0; i < warmup; i++) {
      call(warmupQueries.get(i % warmupQueries.size()), none);
    }
    List<Variant> variants = new ArrayList<>();
    List<Integer> depths = depth == null || depth.isEmpty() ? List.of(0) : depth;
    List<Boolean> completions =
        completeScores == null || completeScores.isEmpty()
            ? Collections.singletonList(null)
            : completeScores;
    for (String fb : feedback == null || feedback.isEmpty() ? List.of("") : feedback) {
      for (String en : ensemble == null || ensemble.isEmpty() ? List.of("") : ensemble) {
        for (int d : depths) {
          for (Boolean cs : completions) {
            String label =
                String.join(
                    ", ",
                    Stream.of(
                            fb.isEmpty() ? "" : "feedback " + fb,
                            en.isEmpty() ? "" : "ensemble " + en,
                            d == 0 ? "" : "depth " + d,
                            cs == null ? "" : "completion " + (cs ? "on" : "off"))
                        .filter(x -> !x.isEmpty())
                        .toList());
            variants.add(
                new Variant(
                    label.isEmpty() ? "default" : label,
                    fb.isEmpty() ? null : RetrievalOptions.lexicalOptions(null, fb),
                    en.isEmpty() ? null : RetrievalOptions.ensembleOptions(en),
                    RetrievalOptions.hybridOptions(null, d, cs)));
          }
        }
      }
    }
    System.out.printf(
        "%-12s %-24s %8s %8s %8s %10s%n",
        "concurrency", "setting", "p50 ms", "p95 ms", "p99 ms", "req/s");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int c : load.concurrency) {
      for (Variant variant : variants) {
        rows.add(measure(queries, c, variant));
      }
    }
    writeReport(queries.size(), rows);
    return 0;
  }

  private Map<String, Object> measure(List<String> queries, int c, Variant variant)
      throws Exception {
    ClosedLoop.Run<Double> run =
        ClosedLoop.run(
            c,
            load.requests,
            i -> {
              long t = System.nanoTime();
              call(queries.get(i % queries.size()), variant);
              return (System.nanoTime() - t) / 1e6;
            });
    List<Double> latencies = run.results();
    double seconds = run.seconds();
    System.out.printf(
        Locale.ROOT,
        "%-12d %-24s %8.1f %8.1f %8.1f %10.1f%n",
        c,
        variant.label(),
        Metrics.percentile(latencies, 50),
        Metrics.percentile(latencies, 95),
        Metrics.percentile(latencies, 99),
        load.requests / seconds);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("concurrency", c);
    row.put("setting", variant.label());
    row.put("p50_ms", Metrics.percentile(latencies, 50));
    row.put("p95_ms", Metrics.percentile(latencies, 95));
    row.put("p99_ms", Metrics.percentile(latencies, 99));
    row.put("requests_per_second", load.requests / seconds);
    return row;
  }

  private void writeReport(int queryCount, List<Map<String, Object>> rows) throws IOException {
    String name = dataset.dir.toAbsolutePath().normalize().getFileName().toString();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", name);
    json.put("split", dataset.split);
    json.put("mode", mode);
    json.put("top_k", topK);
    json.put("queries", queryCount);
    json.put("requests", load.requests);
    json.put("results", rows);
    List<String> levels =
        rows.stream()
            .map(
                r ->
                    "concurrency "
                        + r.get("concurrency")
                        + ("default".equals(r.get("setting")) ? "" : ", " + r.get("setting")))
            .toList();
    HtmlReport html =
        new HtmlReport(
            "Retrieval latency on " + name + " (" + dataset.split + ")",
            List.of(
                "mode " + mode + ", top_k " + topK + ", " + load.requests + " requests per level",
                "gRPC Retrieve, closed loop, after " + warmup + " warm-up calls"),
            List.of(
                new HtmlReport.Chart(
                    "Latency percentiles",
                    "bar",
                    "load",
                    "milliseconds",
                    levels,
                    List.of(
                        HtmlReport.Series.of("p50", rows, "p50_ms"),
                        HtmlReport.Series.of("p95", rows, "p95_ms"),
                        HtmlReport.Series.of("p99", rows, "p99_ms"))),
                new HtmlReport.Chart(
                    "Throughput",
                    "bar",
                    "load",
                    "requests per second",
                    levels,
                    List.of(HtmlReport.Series.of("req/s", rows, "requests_per_second")))));
    Path file = dataset.reportFile(config.home(), "retrieve");
    System.err.println(
        "Report: " + file.toAbsolutePath() + " (charts: " + html.write(file, json) + ")");
  }

  private void call(String query, Variant variant) {
    RetrieveRequest.Builder request =
        RetrieveRequest.newBuilder()
            .setTenant(tenant)
            .setQuery(query)
            .setTopK(topK)
            .setMode(RetrievalOptions.mode(mode))
            .addAllSources(sources == null ? List.of() : sources);
    if (variant.lexical() != null) {
      request.setLexical(variant.lexical());
    }
    if (variant.ensemble() != null) {
      request.setEnsemble(variant.ensemble());
    }
    if (variant.hybrid() != null) {
      request.setHybrid(variant.hybrid());
    }
    retrieve.withDeadlineAfter(30, TimeUnit.SECONDS).retrieve(request.build());
  }
}
