package dev.rag.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rag.cli.config.CliConfig;
import dev.rag.cli.eval.BeirDataset;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelSpec;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveResponse;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How the index behaves as it grows: one tenant's index is grown through the real write path
 * (embedding events on {@code rag.embeddings.v1}, consumed by retrieve-service into Qdrant) to each
 * size, and at each size the indexing rate, query latency per mode and concurrency, the recall of
 * the approximate search against exact search, a small tenant's latency and quality beside it, and
 * the memory and disk of the processes are measured. See {@link ScaleCorpus} for the passages.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = "Grow an index to each size and measure indexing, latency, recall and memory.")
public class ScaleBench implements Callable<Integer> {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(names = "--sizes", split = ",", defaultValue = "10000,100000,1000000")
  List<Long> sizes;

  @Option(names = "--max", description = "largest size measured (smaller --sizes only)")
  Optional<Long> max;

  @Option(
      names = "--data",
      defaultValue = "../shared/datasets",
      description =
          "folder of the BEIR-layout sets scifact, cisi and cacm (default: ${DEFAULT-VALUE})")
  Path data;

  @Option(names = "--model", description = "the model the index uses (default: the live one)")
  Optional<String> model;

  @Option(
      names = "--collection",
      defaultValue = "rag_passages",
      description =
          "the collections' prefix, as retrieve.qdrant.collection (default: ${DEFAULT-VALUE})")
  String collectionPrefix;

  @Option(names = "--queries", defaultValue = "200", description = "queries per measurement")
  int queries;

  @Option(names = "--concurrency", split = ",", defaultValue = "1,8")
  List<Integer> concurrency;

  @Option(names = "--modes", split = ",", defaultValue = "dense,hybrid,full")
  List<String> modes;

  @Option(names = "--chunks-per-document", defaultValue = "10")
  int chunksPerDocument;

  @Option(names = "--tenant", defaultValue = "scale", description = "the tenant that grows")
  String tenant;

  @Option(
      names = "--small-tenant",
      defaultValue = "scale-real",
      description = "a tenant holding the real passages only, queried beside the big one")
  String smallTenant;

  @Option(names = "--fresh", description = "delete both tenants' passages first")
  boolean fresh;

  @Option(names = "--out", description = "the JSON report (default: $RAG_HOME/bench/scale-*.json)")
  Optional<Path> out;

  @Option(
      names = "--hnsw-ef",
      defaultValue = "256",
      description = "as retrieve.qdrant.index.ef: the search the recall is measured of")
  int hnswEf;

  @Option(
      names = "--oversampling",
      defaultValue = "4.0",
      description = "as retrieve.qdrant.index.oversampling (a quantized collection only)")
  double oversampling;

  @Option(
      names = "--qdrant-storage",
      description =
          "Qdrant's storage folder, whose size is reported (default: $RAG_HOME/data/qdrant/storage)")
  Optional<Path> qdrantStorage;

  @Option(names = "--timeout-minutes", defaultValue = "120", description = "per size")
  int timeoutMinutes;

  @Inject CliConfig config;

  @Inject KafkaClients kafka;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(config.home());
    int retrievePort = config.retrievePort();
    String modelId = model.orElseGet(() -> liveModel(home));
    ModelSpec spec = ModelCatalog.get(modelId);
    BeirDataset scifact = BeirDataset.load(data.resolve("scifact"), "test");
    List<BeirDataset> sets = new ArrayList<>(List.of(scifact));
    for (String other : List.of("cisi", "cacm")) {
      if (Files.isDirectory(data.resolve(other))) {
        sets.add(BeirDataset.load(data.resolve(other), "test"));
      }
    }
    ScaleCorpus corpus = ScaleCorpus.load(sets, spec, home.resolve("bench"));
    List<String> questions = new ArrayList<>(scifact.queries().values());
    List<float[]> queryVectors;
    try (OnnxEmbedder embedder = OnnxEmbedder.load(spec, OnnxEmbedder.Options.defaults())) {
      queryVectors =
          embedder.embed(questions.subList(0, Math.min(queries, questions.size())), TextKind.QUERY);
    }
    String collection = collectionPrefix + "__" + modelId.replaceAll("[^A-Za-z0-9]", "_");
    ScaleProbe probe =
        new ScaleProbe(config.qdrant().url(), config.qdrant().apiKey(), collection, modelId);
    List<Long> steps = sizes.stream().filter(s -> max.map(m -> s <= m).orElse(true)).toList();
    if (max.isPresent() && !steps.contains(max.get())) {
      steps = new ArrayList<>(steps);
      steps.add(max.get());
    }

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", modelId);
    report.put("started", Instant.now().toString());
    report.put("real_passages", corpus.real().size());
    report.put("chunks_per_document", chunksPerDocument);
    JsonNode collectionInfo = probe.info();
    report.put("collection", collectionInfo == null ? null : collectionInfo.path("config"));
    report.put("derived_vs_real", ScaleReport.derivedVersusReal(corpus, queryVectors));

    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(config.retrieveHost(), retrievePort)
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
    try (ScaleWriter writer = new ScaleWriter(kafka, probe, modelId, timeoutMinutes)) {
      RetrieveGrpc.RetrieveBlockingStub retrieve =
          RetrieveGrpc.newBlockingStub(channel).withInterceptors(serviceKey(home));
      if (fresh) {
        probe.deleteTenant(tenant);
        probe.deleteTenant(smallTenant);
      }
      long realIndexed = probe.count(smallTenant);
      if (realIndexed < corpus.real().size()) {
        System.out.printf(
            "indexing %d real passages as tenant %s%n", corpus.real().size(), smallTenant);
        for (ScaleCorpus.Passage p : corpus.real()) {
          writer.send(smallTenant, p.source(), p.id(), List.of(p));
        }
        writer.flush();
        writer.waitForCount(smallTenant, corpus.real().size());
      }
      report.put(
          "real_recall_at_10",
          ScaleReport.recall(probe, smallTenant, queryVectors, 10, searchParams(probe)));

      List<Map<String, Object>> results = new ArrayList<>();
      for (long size : steps) {
        results.add(
            step(size, corpus, probe, writer, retrieve, modelId, scifact, queryVectors, home));
        report.put("sizes", results);
        write(report);
      }
      ScaleReport.print(results);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    Path file = write(report);
    System.out.println("report: " + file);
    return 0;
  }

  private Map<String, Object> step(
      long size,
      ScaleCorpus corpus,
      ScaleProbe probe,
      ScaleWriter writer,
      RetrieveGrpc.RetrieveBlockingStub retrieve,
      String modelId,
      BeirDataset scifact,
      List<float[]> queryVectors,
      Path home)
      throws Exception {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("passages", size);
    long before = probe.count(tenant);
    long firstDocument = before / chunksPerDocument;
    long documents = (size + chunksPerDocument - 1) / chunksPerDocument;
    System.out.printf("growing %s from %d to %d passages%n", tenant, before, size);
    Path pids = home.resolve("pids");
    Map<String, Double> cpuAtStart = ScaleProbe.cpuSeconds(pids);
    long start = System.nanoTime();
    for (long d = firstDocument; d < documents; d++) {
      List<ScaleCorpus.Passage> chunks = new ArrayList<>(chunksPerDocument);
      for (long c = d * chunksPerDocument; c < Math.min(size, (d + 1) * chunksPerDocument); c++) {
        chunks.add(corpus.derived(c));
      }
      writer.send(tenant, "scale", "d" + d, chunks);
    }
    writer.flush();
    long produced = System.nanoTime();
    writer.waitForCount(tenant, size);
    long searchable = System.nanoTime();
    Map<String, Double> cpuAtSearchable = ScaleProbe.cpuSeconds(pids);
    String status = writer.waitForGreen();
    long optimized = System.nanoTime();
    r.put("cpu_seconds_indexing", ScaleProbe.cpuBetween(cpuAtStart, cpuAtSearchable));
    r.put(
        "cpu_seconds_optimizing",
        ScaleProbe.cpuBetween(cpuAtSearchable, ScaleProbe.cpuSeconds(pids)));
    long added = size - firstDocument * chunksPerDocument;
    r.put("added", added);
    r.put("produce_seconds", (produced - start) / 1e9);
    r.put("index_seconds", (searchable - start) / 1e9);
    r.put("passages_per_second", added / ((searchable - start) / 1e9));
    r.put("optimize_seconds_after", (optimized - searchable) / 1e9);
    r.put("collection_status", status);

    List<String> questions = new ArrayList<>(scifact.queries().values());
    ScaleReport.Latency latency = new ScaleReport.Latency(retrieve, questions, queries, pids);
    Map<String, Object> big = new LinkedHashMap<>();
    for (String mode : modes) {
      for (int c : concurrency) {
        big.put(mode + "@" + c, latency.measure(tenant, List.of(), mode, c));
      }
    }
    r.put("latency_ms", big);
    r.put("small_tenant_full_ms", latency.measure(smallTenant, List.of("scifact"), "full", 1));
    r.put("small_tenant_ndcg_at_10", ScaleReport.ndcg(retrieve, smallTenant, scifact, modes));
    r.put("recall_at_10", ScaleReport.recall(probe, tenant, queryVectors, 10, searchParams(probe)));

    boolean quantized = searchParams(probe).containsKey("quantization");
    r.put("index_sweep", ScaleReport.sweep(probe, tenant, queryVectors, 10, quantized));
    JsonNode info = probe.info();
    r.put("points_in_collection", info == null ? 0 : info.path("points_count").asLong());
    int retrievePort = config.retrievePort();
    r.put("qdrant_rss_bytes", ScaleProbe.rss(home.resolve("pids/qdrant.pid"), "VmRSS"));
    r.put("qdrant_anonymous_bytes", ScaleProbe.rss(home.resolve("pids/qdrant.pid"), "RssAnon"));
    r.put("qdrant_file_cache_bytes", ScaleProbe.rss(home.resolve("pids/qdrant.pid"), "RssFile"));
    r.put(
        "qdrant_disk_bytes",
        ScaleProbe.diskUsage(qdrantStorage.orElse(home.resolve("data/qdrant/storage"))));
    r.put("retrieve_rss_bytes", ScaleProbe.rss(home.resolve("pids/retrieve.pid"), "VmRSS"));
    r.put("retrieve_heap_bytes", ScaleProbe.heapAfterGc(home.resolve("pids/retrieve.pid")));
    r.put("ingest_heap_bytes", ScaleProbe.heapAfterGc(home.resolve("pids/ingest.pid")));
    return r;
  }

  /** The search parameters retrieve-service sends for a dense query of this collection. */
  private Map<String, Object> searchParams(ScaleProbe probe) {
    JsonNode info = probe.info();
    boolean quantized =
        info != null
            && info.path("config")
                .path("params")
                .path("vectors")
                .path(probe.vector())
                .path("quantization_config")
                .isObject();
    return quantized
        ? Map.of(
            "hnsw_ef",
            hnswEf,
            "quantization",
            Map.of("rescore", true, "oversampling", oversampling))
        : Map.of("hnsw_ef", hnswEf);
  }

  /** generate-service's own key: a service acts for the tenant it names, as generate does. */
  private static ClientInterceptor serviceKey(Path home) throws Exception {
    Path file = home.resolve("auth/generate.key");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file + " is missing: the benchmark queries as generate-service does; run ./rag up first");
    }
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + Files.readString(file).strip());
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static String liveModel(Path home) {
    try {
      Path file = home.resolve("embed-model");
      return Files.isRegularFile(file)
          ? Files.readString(file).strip()
          : ModelCatalog.BGE_SMALL_EN_V15.id();
    } catch (IOException e) {
      return ModelCatalog.BGE_SMALL_EN_V15.id();
    }
  }

  private Path write(Map<String, Object> report) throws Exception {
    Path file =
        out.orElseGet(
            () ->
                Path.of(config.home())
                    .resolve("bench")
                    .resolve(
                        "scale-" + report.get("started").toString().replace(':', '-') + ".json"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    ScaleReport.html(JSON.valueToTree(report)).write(file, report);
    return file;
  }

  static List<String> ids(RetrieveResponse response) {
    return response.getPassagesList().stream().map(Passage::getDocumentId).toList();
  }
}
