package dev.rag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rag.proto.v1.FusionMethod;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.RerankOptions;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsRequest;
import io.quarkus.grpc.GrpcClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Measures retrieval on a BEIR-layout dataset through the real pipeline: the corpus goes in over
 * ingest-service's HTTP door (skipped when it is already indexed), every judged query of the split
 * goes through gRPC Retrieve in each requested mode, and nDCG@10, Recall@100, MRR@10 and latency
 * are printed side by side and written to a JSON report.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate retrieval on a BEIR-layout directory.")
public class EvalCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      description = "BEIR-layout directory (corpus.jsonl, queries.jsonl, qrels/)")
  Path dir;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "qrels split (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "dense,sparse,hybrid,full",
      description = "modes to compare (default: ${DEFAULT-VALUE})")
  List<String> modes;

  @Option(
      names = "--source",
      description = "source name for the corpus (default: the directory name)")
  String source;

  @Option(
      names = "--split-sources",
      defaultValue = "1",
      description = "spread the corpus over this many sources at random (seeded)")
  int splitSources;

  @Option(names = "--extra", description = "a text file ingested as an extra, unrelated source")
  Path extra;

  @Option(
      names = "--top-k",
      defaultValue = "200",
      description = "passages asked per query (default: ${DEFAULT-VALUE})")
  int topK;

  @Option(names = "--fusion", description = "fusion override: min-max, rrf or dbsf")
  String fusion;

  @Option(names = "--dense-weight", description = "dense weight override in [0, 1]")
  Double denseWeight;

  @Option(names = "--depth", defaultValue = "0", description = "candidates per signal override")
  int depth;

  @Option(names = "--grid", description = "also compare hybrid fusion methods and dense weights")
  boolean grid;

  @Option(names = "--rerank-grid", description = "also compare reranker weights (full mode)")
  boolean rerankGrid;

  @Option(names = "--context-weight", description = "reranker document-context weight override")
  Double contextWeight;

  @Option(names = "--proximity-weight", description = "reranker term-proximity weight override")
  Double proximityWeight;

  @Option(names = "--no-rerank", description = "turn the reranking stage off")
  boolean noRerank;

  @Option(
      names = "--max-queries",
      defaultValue = "0",
      description = "evaluate only the first N queries")
  int maxQueries;

  @Option(names = "--reingest", description = "send the corpus even when it is already indexed")
  boolean reingest;

  @Option(names = "--ingest-url", defaultValue = "${env:RAG_INGEST_URL:-http://127.0.0.1:8081}")
  String ingestUrl;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(
      names = "--report",
      description =
          "where to write the JSON report (default: $RAG_HOME/eval/<name>-<split>.json, RAG_HOME"
              + " being .rag when unset)")
  Path report;

  @GrpcClient("retrieve")
  RetrieveGrpc.RetrieveBlockingStub retrieve;

  /** One mode's figures. */
  record Figures(
      String mode,
      double ndcg10,
      double recall100,
      double mrr10,
      double p50Ms,
      double p95Ms,
      int queries) {}

  @Override
  public Integer call() throws Exception {
    BeirDataset data = BeirDataset.load(dir, split);
    String base =
        source != null
            ? source
            : data.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    Map<String, String> sourceOf = assignSources(data, base);
    List<String> sources = new ArrayList<>(new java.util.TreeSet<>(sourceOf.values()));
    if (extra != null) {
      sources.add("unrelated");
    }
    System.err.printf(
        "%s: %d documents, %d judged queries in '%s', sources %s%n",
        data.name(), data.corpus().size(), data.queries().size(), split, sources);

    ensureIndexed(data, sourceOf);

    List<Figures> results = new ArrayList<>();
    System.out.printf(
        "%n%-22s %8s %10s %7s %8s %8s%n",
        "mode", "nDCG@10", "Recall@100", "MRR@10", "p50 ms", "p95 ms");
    for (String m : modes) {
      Figures f =
          run(
              data,
              sources,
              mode(m),
              m,
              hybridOptions(fusion, denseWeight),
              rerankOptions(contextWeight, proximityWeight));
      results.add(f);
      print(f);
    }
    if (rerankGrid) {
      Figures off =
          run(
              data,
              sources,
              RetrievalMode.RETRIEVAL_MODE_FULL,
              "full, no rerank",
              null,
              RerankOptions.newBuilder().setDisabled(true).build());
      results.add(off);
      print(off);
      for (double c : new double[] {0, 0.1, 0.2, 0.3}) {
        for (double p : new double[] {0, 0.05, 0.1, 0.2}) {
          String label = String.format(Locale.ROOT, "full ctx=%.2f prox=%.2f", c, p);
          Figures f =
              run(
                  data,
                  sources,
                  RetrievalMode.RETRIEVAL_MODE_FULL,
                  label,
                  hybridOptions(fusion, denseWeight),
                  rerankOptions(c, p));
          results.add(f);
          print(f);
        }
      }
    }
    if (grid) {
      for (String method : List.of("min-max", "dbsf", "rrf")) {
        for (double w : new double[] {0.3, 0.4, 0.5, 0.6, 0.7, 0.8}) {
          String label = String.format(Locale.ROOT, "hybrid %s w=%.1f", method, w);
          Figures f =
              run(
                  data,
                  sources,
                  RetrievalMode.RETRIEVAL_MODE_HYBRID,
                  label,
                  hybridOptions(method, w),
                  null);
          results.add(f);
          print(f);
        }
      }
    }
    writeReport(data, sources, results);
    return 0;
  }

  private Map<String, String> assignSources(BeirDataset data, String base) {
    Map<String, String> sourceOf = new LinkedHashMap<>();
    java.util.Random random = new java.util.Random(20261128L);
    for (BeirDataset.Doc d : data.corpus()) {
      sourceOf.put(
          d.id(), splitSources <= 1 ? base : base + "-" + (1 + random.nextInt(splitSources)));
    }
    return sourceOf;
  }

  private void ensureIndexed(BeirDataset data, Map<String, String> sourceOf) throws Exception {
    Map<String, Long> expected = new TreeMap<>();
    sourceOf.values().forEach(s -> expected.merge(s, 1L, Long::sum));
    if (extra != null) {
      expected.put("unrelated", 1L);
    }
    if (!reingest && indexedMatches(expected)) {
      System.err.println("Corpus already indexed; reusing it.");
      return;
    }
    List<Ingester.Upload> uploads = new ArrayList<>();
    for (BeirDataset.Doc d : data.corpus()) {
      uploads.add(new Ingester.Upload(d.id(), sourceOf.get(d.id()), d.title(), d.text()));
    }
    if (extra != null) {
      uploads.add(
          new Ingester.Upload(
              extra.getFileName().toString(),
              "unrelated",
              extra.getFileName().toString(),
              Files.readString(extra, StandardCharsets.UTF_8)));
    }
    System.err.printf("Ingesting %d documents over %s%n", uploads.size(), ingestUrl);
    long start = System.nanoTime();
    List<String> failures = new Ingester(ingestUrl).send(uploads, 8);
    if (!failures.isEmpty()) {
      System.err.printf("%d documents were refused, e.g. %s%n", failures.size(), failures.get(0));
    }
    long total = expected.values().stream().mapToLong(Long::longValue).sum() - failures.size();
    long lastCount = -1;
    long lastChange = System.nanoTime();
    long lastPrint = 0;
    while (true) {
      long indexed = indexedDocuments(expected.keySet());
      long now = System.nanoTime();
      if (indexed != lastCount) {
        lastCount = indexed;
        lastChange = now;
      }
      if (indexed >= total || now - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
        System.err.printf(
            "  indexed %d/%d documents (%.0f s)%n", indexed, total, (now - start) / 1e9);
        lastPrint = now;
      }
      if (indexed >= total) {
        break;
      }
      if (now - lastChange > TimeUnit.MINUTES.toNanos(5)) {
        throw new IllegalStateException(
            "indexing made no progress for 5 minutes; see the service logs");
      }
      Thread.sleep(1000);
    }
    System.err.printf("Indexed in %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  private boolean indexedMatches(Map<String, Long> expected) {
    Map<String, Long> actual = new TreeMap<>();
    for (SourceStats s : stats()) {
      if (expected.containsKey(s.getSource())) {
        actual.put(s.getSource(), s.getDocuments());
      }
    }
    return actual.equals(expected);
  }

  private long indexedDocuments(java.util.Set<String> sources) {
    return stats().stream()
        .filter(s -> sources.contains(s.getSource()))
        .mapToLong(SourceStats::getDocuments)
        .sum();
  }

  private List<SourceStats> stats() {
    return retrieve
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .stats(StatsRequest.newBuilder().setTenant(tenant).build())
        .getSourcesList();
  }

  private Figures run(
      BeirDataset data,
      List<String> sources,
      RetrievalMode mode,
      String label,
      HybridOptions hybrid,
      RerankOptions rerank) {
    double ndcg = 0;
    double recall = 0;
    double mrr = 0;
    List<Double> latencies = new ArrayList<>();
    int n = 0;
    for (var q : data.queries().entrySet()) {
      if (maxQueries > 0 && n >= maxQueries) {
        break;
      }
      RetrieveRequest.Builder request =
          RetrieveRequest.newBuilder()
              .setTenant(tenant)
              .setQuery(q.getValue())
              .setTopK(topK)
              .setMode(mode)
              .addAllSources(sources);
      if (hybrid != null) {
        request.setHybrid(hybrid);
      }
      if (rerank != null) {
        request.setRerank(rerank);
      }
      long start = System.nanoTime();
      List<Passage> passages =
          retrieve
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .retrieve(request.build())
              .getPassagesList();
      latencies.add((System.nanoTime() - start) / 1e6);
      List<String> ranking =
          Metrics.distinct(passages.stream().map(Passage::getDocumentId).toList());
      Map<String, Integer> relevant = data.qrels().get(q.getKey());
      ndcg += Metrics.ndcg(ranking, relevant, 10);
      recall += Metrics.recall(ranking, relevant, 100);
      mrr += Metrics.mrr(ranking, relevant, 10);
      n++;
    }
    return new Figures(
        label,
        ndcg / n,
        recall / n,
        mrr / n,
        Metrics.percentile(latencies, 50),
        Metrics.percentile(latencies, 95),
        n);
  }

  private static void print(Figures f) {
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

  static RetrievalMode mode(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "dense" -> RetrievalMode.RETRIEVAL_MODE_DENSE;
      case "sparse" -> RetrievalMode.RETRIEVAL_MODE_SPARSE;
      case "hybrid" -> RetrievalMode.RETRIEVAL_MODE_HYBRID;
      case "full" -> RetrievalMode.RETRIEVAL_MODE_FULL;
      default ->
          throw new IllegalArgumentException(
              "unknown mode '" + name + "': use dense, sparse, hybrid or full");
    };
  }

  static HybridOptions hybridOptions(String fusion, Double weight) {
    if (fusion == null && weight == null) {
      return null;
    }
    HybridOptions.Builder b = HybridOptions.newBuilder();
    if (fusion != null) {
      b.setFusion(
          switch (fusion.toLowerCase(Locale.ROOT)) {
            case "min-max" -> FusionMethod.FUSION_METHOD_MIN_MAX;
            case "rrf" -> FusionMethod.FUSION_METHOD_RRF;
            case "dbsf" -> FusionMethod.FUSION_METHOD_DBSF;
            default -> throw new IllegalArgumentException("unknown fusion '" + fusion + "'");
          });
    }
    if (weight != null) {
      b.setDenseWeight(weight);
    }
    return b.build();
  }

  private RerankOptions rerankOptions(Double context, Double proximity) {
    if (noRerank) {
      return RerankOptions.newBuilder().setDisabled(true).build();
    }
    if (context == null && proximity == null) {
      return null;
    }
    RerankOptions.Builder b = RerankOptions.newBuilder();
    if (context != null) {
      b.setContextWeight(context);
    }
    if (proximity != null) {
      b.setProximityWeight(proximity);
    }
    return b.build();
  }

  private HybridOptions hybridOptions(String method, double weight) {
    HybridOptions h = hybridOptions(method, Double.valueOf(weight));
    return depth > 0 ? h.toBuilder().setDepth(depth).build() : h;
  }

  private void writeReport(BeirDataset data, List<String> sources, List<Figures> results)
      throws Exception {
    Path file =
        report != null
            ? report
            : Path.of(
                System.getenv().getOrDefault("RAG_HOME", ".rag"),
                "eval",
                data.name() + "-" + split + ".json");
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
