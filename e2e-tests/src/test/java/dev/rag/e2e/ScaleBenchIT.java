package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rag bench scale} at its small size (5k, then 10k), as a user runs it: the packaged CLI
 * against a real broker, a real Qdrant and the packaged embed-service and retrieve-service. Its
 * passages come from a small BEIR-layout set written here, so the run takes a minute or two; the
 * report's shape and its figures' sense are checked, the figures themselves are not (benchmarks
 * print them).
 */
class ScaleBenchIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "bench_" + UUID.randomUUID().toString().replace("-", "");
  private static final String SERVICE_KEY = ApiKeys.newKey();
  private static final String[] SUBJECTS = {
    "glacier",
    "coral reef",
    "honeybee",
    "volcano",
    "lighthouse",
    "telescope",
    "enzyme",
    "monsoon",
    "tidal wave",
    "desert fox",
    "comet",
    "vaccine",
    "river delta",
    "microchip",
    "solar panel"
  };
  private static final String[] FACTS = {
    "grows slowly over many centuries",
    "depends on the temperature of the surrounding water",
    "was first described by naturalists in the nineteenth century",
    "changes colour when it is exposed to strong light",
    "can be measured with instruments carried by satellites",
    "releases energy in short and irregular bursts",
    "is studied by researchers on every continent",
    "moves faster at night than during the day",
    "needs a steady supply of minerals to stay healthy",
    "appears in old maps drawn by sailors",
    "is threatened by pollution from nearby cities",
    "follows a cycle that repeats every eleven years",
    "was photographed from orbit for the first time in 1972",
    "responds to changes in air pressure within minutes",
    "is used to teach students the basics of physics",
    "leaves marks that remain visible for thousands of years",
    "was the subject of a famous debate among scientists",
    "absorbs more carbon than it releases",
    "has a shape that engineers try to copy",
    "is hard to detect without specialised equipment"
  };

  private static Path root;
  private static KafkaBroker kafka;
  private static QdrantServer qdrant;
  private static int retrievePort;
  private static final List<ServiceProcess> services = new ArrayList<>();

  @BeforeAll
  static void startSystem() {
    root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    kafka = KafkaBroker.start(3);
    qdrant = QdrantServer.start();
    int embedPort = FreePorts.find();
    retrievePort = FreePorts.find();
    Map<String, String> config =
        RagSystem.config(
            kafka,
            qdrant,
            PREFIX,
            embedPort,
            retrievePort,
            List.of("generate " + ApiKeys.digest(SERVICE_KEY) + " default service,query"),
            SERVICE_KEY);
    services.add(ServiceProcess.start(root, "embed-service", embedPort, config));
    services.add(ServiceProcess.start(root, "retrieve-service", retrievePort, config));
    services.forEach(s -> s.awaitReady(Duration.ofSeconds(120)));
  }

  @AfterAll
  static void stopSystem() {
    services.forEach(ServiceProcess::close);
    if (qdrant != null) {
      qdrant.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * A BEIR-layout set named scifact (the bench's quality set): a passage for every subject and
   * fact, and queries that ask for one passage each.
   */
  private static Path dataset(Path dir) throws Exception {
    Path set = dir.resolve("scifact");
    Files.createDirectories(set.resolve("qrels"));
    StringBuilder corpus = new StringBuilder();
    for (int s = 0; s < SUBJECTS.length; s++) {
      for (int f = 0; f < FACTS.length; f++) {
        corpus
            .append(
                JSON.writeValueAsString(
                    Map.of(
                        "_id",
                        "p" + s + "-" + f,
                        "title",
                        "",
                        "text",
                        "The " + SUBJECTS[s] + " " + FACTS[f] + ".")))
            .append('\n');
      }
    }
    Files.writeString(set.resolve("corpus.jsonl"), corpus);
    StringBuilder queries = new StringBuilder();
    StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
    for (int s = 0; s < SUBJECTS.length; s++) {
      int f = (s * 7) % FACTS.length;
      queries
          .append(
              JSON.writeValueAsString(
                  Map.of("_id", "q" + s, "text", "Which " + SUBJECTS[s] + " " + FACTS[f] + "?")))
          .append('\n');
      qrels.append("q").append(s).append("\tp").append(s).append('-').append(f).append("\t1\n");
    }
    Files.writeString(set.resolve("queries.jsonl"), queries);
    Files.writeString(set.resolve("qrels/test.tsv"), qrels);
    return dir;
  }

  @Test
  void growsTheIndexAndReportsEveryFigureAtEachSize(@TempDir Path dir) throws Exception {
    Path data = dataset(dir.resolve("data"));
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("auth"));
    Files.createDirectories(home.resolve("pids"));
    Files.writeString(home.resolve("auth/generate.key"), SERVICE_KEY + "\n");
    Files.writeString(home.resolve("pids/retrieve.pid"), services.get(1).pid() + "\n");
    if (qdrant.pid().isPresent()) {
      Files.writeString(home.resolve("pids/qdrant.pid"), qdrant.pid().getAsLong() + "\n");
    }
    Path report = dir.resolve("scale.json");
    Path log = root.resolve("e2e-tests/target/e2e-logs/rag-bench-scale.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                root.resolve("rag-cli/target/quarkus-app/quarkus-run.jar").toString(),
                "bench",
                "scale",
                "--sizes",
                "5000,10000",
                "--queries",
                "15",
                "--data",
                data.toString(),
                "--collection",
                PREFIX,
                "--timeout-minutes",
                "5",
                "--out",
                report.toString()));
    qdrant.storageDir().ifPresent(s -> command.addAll(List.of("--qdrant-storage", s.toString())));
    ProcessBuilder bench = new ProcessBuilder(command).redirectErrorStream(true);
    bench.redirectOutput(log.toFile());
    bench.environment().put("RAG_HOME", home.toString());
    bench.environment().put("RAG_RETRIEVE_PORT", Integer.toString(retrievePort));
    bench.environment().put("RAG_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    bench.environment().put("RAG_QDRANT_URL", qdrant.httpUrl());
    Process process = bench.start();
    // Bounded by the bench's own per-size timeout; this only stops a hung process.
    assertThat(process.waitFor(15, TimeUnit.MINUTES)).as("bench finished").isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("passages", "index/s", "CPU seconds while indexing");

    JsonNode json = JSON.readTree(report.toFile());
    int real = SUBJECTS.length * FACTS.length;
    assertThat(json.path("real_passages").asInt()).isEqualTo(real);
    assertThat(json.path("chunks_per_document").asInt()).isEqualTo(10);
    assertThat(json.path("real_recall_at_10").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.at("/derived_vs_real/real").isObject()).as(json.toString()).isTrue();
    JsonNode sizes = json.path("sizes");
    assertThat(sizes).hasSize(2);
    long[] expected = {5000, 10000};
    for (int i = 0; i < 2; i++) {
      JsonNode s = sizes.get(i);
      assertThat(s.path("passages").asLong()).isEqualTo(expected[i]);
      assertThat(s.path("added").asLong()).isEqualTo(5000);
      assertThat(s.path("passages_per_second").asDouble()).isPositive();
      assertThat(s.path("collection_status").asText()).isEqualTo("green");
      // Qdrant holds the real passages and the tenant's (its collection count is an estimate that
      // can count a point twice while segments are rebuilt, never less).
      assertThat(s.path("points_in_collection").asLong())
          .isGreaterThanOrEqualTo(real + expected[i]);
      // The quantized graph search at ef 256 finds nearly all of what the exact search finds.
      assertThat(s.path("recall_at_10").asDouble()).isBetween(0.95, 1.0);
      for (String mode :
          List.of("dense@1", "dense@8", "hybrid@1", "hybrid@8", "full@1", "full@8")) {
        JsonNode l = s.path("latency_ms").path(mode);
        assertThat(l.path("p50").asDouble()).as(mode).isPositive();
        assertThat(l.path("p95").asDouble())
            .as(mode)
            .isGreaterThanOrEqualTo(l.path("p50").asDouble());
        assertThat(l.path("p99").asDouble())
            .as(mode)
            .isGreaterThanOrEqualTo(l.path("p95").asDouble());
        assertThat(l.path("qps").asDouble()).as(mode).isPositive();
        assertThat(l.has("cpu_ms_retrieve")).as(mode).isTrue();
      }
      assertThat(s.path("small_tenant_full_ms").path("p95").asDouble()).isPositive();
      // Every query names one passage and says what it says: the full mode ranks it high.
      assertThat(s.path("small_tenant_ndcg_at_10").path("full").asDouble()).isGreaterThan(0.5);
      assertThat(s.path("index_sweep"))
          .isNotEmpty()
          .allSatisfy(
              row -> {
                assertThat(row.path("ef").asInt()).isPositive();
                assertThat(row.path("recall_at_10").asDouble()).isBetween(0.0, 1.0);
              });
      assertThat(s.path("cpu_seconds_indexing").has("retrieve")).isTrue();
      assertThat(s.path("retrieve_heap_bytes").asLong()).isPositive();
      if (qdrant.pid().isPresent()) {
        assertThat(s.path("qdrant_anonymous_bytes").asLong()).isPositive();
        assertThat(s.path("qdrant_disk_bytes").asLong()).isPositive();
      }
    }
  }
}
