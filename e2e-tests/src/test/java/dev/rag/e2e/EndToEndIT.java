package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.BrowserScript;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system as a user meets it: the four packaged services as separate processes, a real
 * Kafka broker, a real Qdrant server. Documents go in over HTTP and come back as cited answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String PREFIX = "e2e_" + UUID.randomUUID().toString().replace("-", "");

  /** The collection of the default embedding model's points. */
  private static final String COLLECTION = PREFIX + "__bge_small_en_v1_5_int8";

  private static Path root;
  private static Path reports;
  private static int retrievePort;
  private static KafkaBroker kafka;
  private static QdrantServer qdrant;
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static ServiceProcess ingest;
  private static ServiceProcess generate;
  private static Map<String, String> common;
  private static OtlpReceiver traces;

  /** Tenant "default", all roles (what ./rag up gives its user). */
  private static final String ALICE = ApiKeys.newKey();

  /** Another tenant: ingests and asks. */
  private static final String BOB = ApiKeys.newKey();

  /** The services' own key. */
  private static final String SERVICES = ApiKeys.newKey();

  /** A platform operator (replays), of no tenant's documents. */
  private static final String OPS = ApiKeys.newKey();

  @BeforeAll
  static void startSystem() {
    root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    kafka = KafkaBroker.start(3);
    qdrant = QdrantServer.start();
    try {
      traces = OtlpReceiver.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int embedPort = FreePorts.find();
    retrievePort = FreePorts.find();
    common =
        RagSystem.config(
            kafka,
            qdrant,
            PREFIX,
            embedPort,
            retrievePort,
            List.of(
                "alice " + ApiKeys.digest(ALICE) + " default admin",
                "bob " + ApiKeys.digest(BOB) + " other-lab ingest,query",
                "services " + ApiKeys.digest(SERVICES) + " default service,query",
                "ops " + ApiKeys.digest(OPS) + " default operator"),
            SERVICES);
    // Tracing on, exported to the test's receiver as to a collector.
    common.put("quarkus.otel.sdk.disabled", "false");
    common.put("quarkus.otel.exporter.otlp.traces.endpoint", traces.endpoint());
    common.put("quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf");
    common.put("quarkus.otel.bsp.schedule.delay", "200ms");
    try {
      reports = Files.createTempDirectory("e2e-reports");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    common.put("generate.page.reports-dir", reports.toString());
    Map<String, ServiceProcess> started = RagSystem.start(root, common, embedPort, retrievePort);
    services.addAll(started.values());
    ingest = started.get("ingest");
    generate = started.get("generate");
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
    if (traces != null) {
      traces.close();
    }
    if (reports != null) {
      BrowserScript.deleteTree(reports);
    }
  }

  private static JsonNode post(String url, Object body) throws IOException, InterruptedException {
    HttpResponse<String> response = JsonHttp.send(ALICE, "POST", url, body);
    JsonNode json = JSON.readTree(response.body());
    if (response.statusCode() >= 300) {
      throw new AssertionError(
          "POST " + url + " -> " + response.statusCode() + ": " + response.body());
    }
    return json;
  }

  private static void ingest(String id, String title, String text) throws Exception {
    JsonNode receipt =
        post(
            ingest.baseUrl() + "/v1/documents",
            Map.of("id", id, "source", "papers", "title", title, "text", text));
    assertThat(receipt.path("id").asText()).isEqualTo(id);
  }

  private static JsonNode ask(String question) throws Exception {
    return post(
        generate.baseUrl() + "/v1/chat/completions",
        Map.of("model", "rag", "messages", List.of(Map.of("role", "user", "content", question))));
  }

  private static JsonNode askIn(String source, String question) throws Exception {
    return post(
        generate.baseUrl() + "/v1/chat/completions",
        Map.of(
            "model",
            "rag",
            "sources",
            List.of(source),
            "messages",
            List.of(Map.of("role", "user", "content", question))));
  }

  /** The documents the answer's citations point at. */
  private static List<String> citedDocuments(JsonNode completion) {
    String answer = completion.path("choices").get(0).path("message").path("content").asText();
    List<String> cited = new ArrayList<>();
    for (JsonNode source : completion.path("sources")) {
      if (answer.contains("[" + source.path("number").asInt() + "]")) {
        assertThat(source.path("cited").asBoolean()).isTrue();
        cited.add(source.path("document_id").asText());
      }
    }
    return cited;
  }

  private static long countPoints(Map<String, Object> filter) throws Exception {
    long count = JsonHttp.countPoints(qdrant.httpUrl(), COLLECTION, filter);
    assertThat(count).as("Qdrant's count of " + filter).isNotNegative();
    return count;
  }

  /** The points of one document. */
  private static Map<String, Object> document(String id) {
    return Map.of("must", List.of(match("document_id", id)));
  }

  private static Map<String, Object> match(String key, String value) {
    return Map.of("key", key, "match", Map.of("value", value));
  }

  @Test
  @Order(0)
  void everyServiceAnswersTheStandardHealthChecks() throws Exception {
    for (ServiceProcess s : services) {
      HttpResponse<String> live =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(s.baseUrl() + "/q/health/live")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).as(s.baseUrl()).isEqualTo(200);
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", s.port()).usePlaintext().build();
      try {
        HealthCheckResponse health =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus())
            .as(s.baseUrl())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  @Order(1)
  void answersAQuestionCitingTheOneDocumentThatHoldsTheAnswer() throws Exception {
    ingest(
        "tides",
        "Ocean tides",
        "Tides are caused mainly by the gravitational pull of the Moon on the oceans. The Sun adds a"
            + " smaller pull, so spring tides happen when Sun and Moon line up.");
    ingest(
        "sourdough",
        "Baking sourdough",
        "A sourdough starter is a culture of wild yeast and lactic acid bacteria. Bakers feed it flour"
            + " and water every day to keep it active.");
    ingest(
        "glaciers",
        "Glaciers",
        "Glaciers form where more snow falls in winter than melts in summer. The snow compacts into"
            + " dense ice that slowly flows downhill under its own weight.");

    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> citedDocuments(ask("What causes ocean tides?")).contains("tides"));

    JsonNode completion = ask("What causes ocean tides?");
    assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.path("choices").get(0).path("message").path("content").asText())
        .contains("gravitational pull of the Moon");
    assertThat(citedDocuments(completion)).containsOnly("tides");
  }

  @Test
  @Order(13)
  void answersAQuestionAboutSeveralDocumentsWithAPointFromEachAndAFactFromMetadata()
      throws Exception {
    for (String[] lamp :
        List.of(
            new String[] {
              "harbour-lamps",
              "Harbour lamps",
              "Harbour lamps burn sunflower oil from the mill. The quay is paved with granite.",
              "Mar 3, 1887"
            },
            new String[] {
              "chapel-lamps",
              "Chapel lamps",
              "The chapel lamps burn olive oil with a steady flame. Its bell rings at noon.",
              "May 1, 1901"
            })) {
      JsonNode receipt =
          post(
              ingest.baseUrl() + "/v1/documents",
              Map.of(
                  "id", lamp[0],
                  "source", "lamps",
                  "title", lamp[1],
                  "text", lamp[2],
                  "metadata", Map.of("date", lamp[3], "authors", "2 authors")));
      assertThat(receipt.path("id").asText()).isEqualTo(lamp[0]);
    }
    String question = "Which documents say what oil the lamps burn?";
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                citedDocuments(askIn("lamps", question))
                    .containsAll(List.of("harbour-lamps", "chapel-lamps")));

    JsonNode several = askIn("lamps", question);
    String points = several.path("choices").get(0).path("message").path("content").asText();
    assertThat(points.lines())
        .as(points)
        .hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("- ").contains("oil"));
    assertThat(citedDocuments(several)).containsExactlyInAnyOrder("harbour-lamps", "chapel-lamps");
    assertThat(several.path("unsupported_claims")).isEmpty();

    JsonNode when = askIn("lamps", "When was Chapel lamps published?");
    assertThat(when.path("choices").get(0).path("message").path("content").asText())
        .startsWith("Chapel lamps is dated May 1, 1901 [1].");
    assertThat(citedDocuments(when)).first().isEqualTo("chapel-lamps");
    assertThat(when.path("unsupported_claims")).isEmpty();
  }

  @Test
  @Order(2)
  void replacesAReingestedDocumentSoNoPointOfTheOldVersionRemains() throws Exception {
    Map<String, Object> tides = Map.of("must", List.of(match("document_id", "tides")));
    long before = countPoints(tides);
    assertThat(before).isPositive();

    ingest(
        "tides",
        "Ocean tides",
        "Tides are long waves that cross the oceans twice a day. Harbour pilots read tide tables"
            + " printed a year ahead.");

    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              JsonNode answer = ask("What do harbour pilots read?");
              return citedDocuments(answer).contains("tides");
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                countPoints(Map.of("must", List.of(match("document_id", "tides")))) > 0
                    && versionsOf("tides").size() == 1);

    JsonNode old = ask("What causes ocean tides? gravitational pull of the Moon");
    for (JsonNode source : old.path("sources")) {
      assertThat(source.path("text").asText()).doesNotContain("gravitational pull of the Moon");
    }
    assertThat(old.path("choices").get(0).path("message").path("content").asText())
        .doesNotContain("gravitational pull of the Moon");
  }

  @Test
  @Order(3)
  void ragEvalComputesRetrievalMetricsOnABeirLayoutSet(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("corpus.jsonl"),
        String.join(
            "\n",
            JSON.writeValueAsString(
                Map.of(
                    "_id",
                    "volcano",
                    "title",
                    "Volcanoes",
                    "text",
                    "Magma rises through the crust and erupts as lava from volcanic vents.")),
            JSON.writeValueAsString(
                Map.of(
                    "_id",
                    "honeybee",
                    "title",
                    "Honeybee dance",
                    "text",
                    "Honeybees perform a waggle dance that tells hive mates the direction and distance"
                        + " of flowers.")),
            JSON.writeValueAsString(
                Map.of(
                    "_id",
                    "saturn",
                    "title",
                    "Rings of Saturn",
                    "text",
                    "Saturn's rings are made of countless pieces of water ice and rock.")),
            JSON.writeValueAsString(
                Map.of(
                    "_id",
                    "chess",
                    "title",
                    "Chess openings",
                    "text",
                    "The Sicilian Defence is a popular chess opening for black."))));
    Files.writeString(
        dir.resolve("queries.jsonl"),
        JSON.writeValueAsString(
                Map.of("_id", "q1", "text", "How do honeybees tell each other where flowers are?"))
            + "\n"
            + JSON.writeValueAsString(
                Map.of("_id", "q2", "text", "What are the rings of Saturn made of?"))
            + "\n"
            + JSON.writeValueAsString(Map.of("_id", "q3", "text", "unjudged query")));
    Files.createDirectories(dir.resolve("qrels"));
    // q2 has a second relevant document that is not in the corpus: recall 0.5, nDCG below 1.
    Files.writeString(
        dir.resolve("qrels/test.tsv"),
        "query-id\tcorpus-id\tscore\nq1\thoneybee\t1\nq2\tsaturn\t1\nq2\tnot-in-corpus\t1\n");
    // Into the folder the page lists reports from (./rag up: $RAG_HOME), as the page test reads it.
    Path report = reports.resolve("eval").resolve("tiny-test.json");

    ProcessBuilder eval =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                root.resolve("rag-cli/target/quarkus-app/quarkus-run.jar").toString(),
                "eval",
                dir.toString(),
                "--source",
                "tiny",
                "--modes",
                "dense,full",
                "--report",
                report.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("e2e-tests/target/e2e-logs/rag-eval.log").toFile());
    eval.environment().put("RAG_RETRIEVE_PORT", Integer.toString(retrievePort));
    eval.environment().put("RAG_INGEST_URL", ingest.baseUrl());
    eval.environment().put("RAG_API_KEY", ALICE);
    Process process = eval.start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as(Files.readString(root.resolve("e2e-tests/target/e2e-logs/rag-eval.log")))
        .isZero();

    JsonNode json = JSON.readTree(report.toFile());
    assertThat(report.resolveSibling("tiny-test.html")).isNotEmptyFile();
    assertThat(json.path("queries").asInt()).isEqualTo(2);
    assertThat(json.path("documents").asInt()).isEqualTo(4);
    double log2of3 = Math.log(3) / Math.log(2);
    double ndcg = (1.0 + 1.0 / (1.0 + 1.0 / log2of3)) / 2;
    for (JsonNode mode : json.path("results")) {
      assertThat(mode.path("ndcg10").asDouble()).as(mode.toString()).isCloseTo(ndcg, within(1e-9));
      assertThat(mode.path("recall100").asDouble())
          .as(mode.toString())
          .isCloseTo(0.75, within(1e-9));
      assertThat(mode.path("mrr10").asDouble()).as(mode.toString()).isCloseTo(1.0, within(1e-9));
      assertThat(mode.path("p95Ms").asDouble()).isPositive();
    }
    assertThat(json.path("results"))
        .extracting(r -> r.path("mode").asText())
        .containsExactly("dense", "full");
  }

  @Test
  @Order(4)
  void ingestsAFolderWithTheCliThenDeletesADocumentToTheLastPoint(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("glaciers.md"),
        "# Glaciers\n\nGlaciers carve U-shaped valleys as they slide downhill.\n");
    Files.writeString(
        dir.resolve("lighthouse.html"),
        "<html><head><title>Lighthouses</title><script>var x;</script></head><body><nav>Menu</nav>"
            + "<h1>Lighthouses</h1><p>A Fresnel lens focuses the lamp into a beam seen 20 miles"
            + " away.</p></body></html>");
    Files.createDirectories(dir.resolve("more"));
    Files.writeString(dir.resolve("more/broken.pdf"), "%PDF-1.7 not really");
    Path log = root.resolve("e2e-tests/target/e2e-logs/rag-ingest.log");
    ProcessBuilder cli =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                root.resolve("rag-cli/target/quarkus-app/quarkus-run.jar").toString(),
                "ingest",
                "--source",
                "cli",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    cli.environment().put("RAG_INGEST_URL", ingest.baseUrl());
    cli.environment().put("RAG_API_KEY", ALICE);
    Process process = cli.start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    // One file could not be read: reported by name, with the reason, and the exit status says so.
    assertThat(process.exitValue()).as(output).isEqualTo(1);
    assertThat(output)
        .contains("Uploaded 3 files: 2 documents, 1 refused")
        .contains("Done: 2 documents indexed")
        .contains("more/broken.pdf: not a readable PDF");

    JsonNode status = get(ingest.baseUrl() + "/v1/documents/lighthouse?source=cli");
    assertThat(status.path("state").asText()).isEqualTo("indexed");
    assertThat(status.path("chunks").asInt()).isEqualTo(1);
    Map<String, Object> lighthouse =
        Map.of("must", List.of(match("document_id", "lighthouse"), match("source", "cli")));
    assertThat(countPoints(lighthouse)).isEqualTo(1);

    HttpResponse<String> deleted =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(ingest.baseUrl() + "/v1/documents/lighthouse?source=cli"))
                .header("Authorization", "Bearer " + ALICE)
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                get(ingest.baseUrl() + "/v1/documents/lighthouse?source=cli")
                    .path("state")
                    .asText()
                    .equals("deleted"));
    assertThat(countPoints(lighthouse)).isZero();
    assertThat(
            countPoints(
                Map.of("must", List.of(match("document_id", "glaciers"), match("source", "cli")))))
        .isEqualTo(1);

    // rag ask sends any text as it is (a new line, a tab and quotes in the question), plain and
    // streamed, and prints the cited passages.
    for (boolean stream : List.of(false, true)) {
      Path answerLog = root.resolve("e2e-tests/target/e2e-logs/rag-ask-" + stream + ".log");
      List<String> command =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  root.resolve("rag-cli/target/quarkus-app/quarkus-run.jar").toString(),
                  "ask",
                  "--source",
                  "cli"));
      if (stream) {
        command.add("--stream");
      }
      command.add("How do \"glaciers\"\n\tmove?");
      ProcessBuilder ask =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(answerLog.toFile());
      ask.environment().put("RAG_CHAT_URL", generate.baseUrl());
      ask.environment().put("RAG_API_KEY", ALICE);
      Process asked = ask.start();
      assertThat(asked.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String answer = Files.readString(answerLog);
      assertThat(asked.exitValue()).as(answer).isZero();
      assertThat(answer).as("stream=" + stream).contains("[1]").contains("(cli/glaciers, chunk 0)");
    }
  }

  private static JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + ALICE)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** The distinct versions of a document's points in Qdrant. */
  private static List<String> versionsOf(String documentId) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(qdrant.httpUrl() + "/collections/" + COLLECTION + "/points/scroll"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(
                            Map.of(
                                "filter", Map.of("must", List.of(match("document_id", documentId))),
                                "limit", 1000,
                                "with_payload", List.of("version")))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    List<String> versions = new ArrayList<>();
    for (JsonNode point : JSON.readTree(response.body()).path("result").path("points")) {
      String v = point.path("payload").path("version").asText();
      if (!versions.contains(v)) {
        versions.add(v);
      }
    }
    return versions;
  }

  /**
   * A second generate-service uses the first as its OpenAI-compatible language model: a real server
   * speaking the protocol, through LangChain4j's client, streaming and not.
   */
  @Test
  @Order(5)
  void aGenerateServiceUsesAnotherInstanceAsItsOpenAiCompatibleModel() throws Exception {
    Map<String, String> config = new LinkedHashMap<>(common);
    config.put("generate.llm.provider", "openai");
    config.put("generate.llm.base-url", generate.baseUrl() + "/v1");
    config.put("generate.llm.model", "upstream-rag");
    config.put("generate.llm.api-key", ALICE);
    // The upstream takes the whole grounded prompt as its question: keep it within its limits.
    config.put("generate.llm.max-source-chars", "6000");
    try (ServiceProcess llmBacked =
        ServiceProcess.start(
            root, "generate-service", "generate-service-llm", FreePorts.find(), config)) {
      llmBacked.awaitReady(Duration.ofSeconds(120));
      Map<String, Object> question =
          Map.of(
              "model",
              "rag",
              "messages",
              List.of(Map.of("role", "user", "content", "What causes ocean tides?")));

      JsonNode completion = post(llmBacked.baseUrl() + "/v1/chat/completions", question);
      assertThat(completion.path("model").asText()).isEqualTo("upstream-rag");
      String answer = completion.path("choices").get(0).path("message").path("content").asText();
      assertThat(answer).isNotBlank().doesNotStartWith("(The language model is unavailable");
      assertThat(completion.path("sources").size()).isPositive();

      Map<String, Object> streamed = new LinkedHashMap<>(question);
      streamed.put("stream", true);
      HttpResponse<String> events =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(llmBacked.baseUrl() + "/v1/chat/completions"))
                  .header("Authorization", "Bearer " + ALICE)
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(streamed)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
      StringBuilder text = new StringBuilder();
      int deltas = 0;
      JsonNode last = null;
      for (String line : events.body().split("\n")) {
        if (!line.startsWith("data: {")) {
          continue;
        }
        JsonNode chunk = JSON.readTree(line.substring("data: ".length()));
        assertThat(chunk.path("model").asText()).isEqualTo("upstream-rag");
        if (chunk.path("choices").isEmpty()) {
          last = chunk;
        } else if (!chunk.path("choices").get(0).path("delta").path("content").asText().isEmpty()) {
          text.append(chunk.path("choices").get(0).path("delta").path("content").asText());
          deltas++;
        }
      }
      assertThat(deltas).isGreaterThan(1);
      assertThat(text.toString()).isNotBlank().doesNotStartWith("(The language model");
      assertThat(events.body().strip()).endsWith("data: [DONE]");
      assertThat(last).isNotNull();
      assertThat(last.path("sources").size()).isPositive();
    }
  }

  /**
   * Traces across every hop, received as OTLP exports: one upload is one trace whose spans cover
   * ingest (HTTP, then its documents consumer), embed, retrieve and the Qdrant write; one chat
   * request is one trace covering generate, retrieve, the query embedding and the Qdrant search.
   */
  @Test
  @Order(11)
  void oneUploadAndOneChatRequestAreEachOneTraceAcrossTheServices() throws Exception {
    int before = traces.spans().size();
    ingest(
        "plankton",
        "Plankton",
        "Bioluminescent plankton glow blue when waves disturb them on summer nights.");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                get(ingest.baseUrl() + "/v1/documents/plankton?source=papers")
                    .path("state")
                    .asText()
                    .equals("indexed"));
    String upload = traceOfServerSpan(before, "ingest-service", "/v1/documents");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(traces.trace(upload))
                    .as(OtlpReceiver.describe(traces.trace(upload)))
                    .extracting(s -> s.service() + ": " + s.name())
                    .contains(
                        "ingest-service: rag.documents.v1 process",
                        "embed-service: rag.chunks.v1 process",
                        "retrieve-service: rag.embeddings.v1 process",
                        "retrieve-service: qdrant upsert"));
    assertOneTree(traces.trace(upload));

    int beforeChat = traces.spans().size();
    assertThat(citedDocuments(ask("Why does plankton glow blue?"))).contains("plankton");
    String chat = traceOfServerSpan(beforeChat, "generate-service", "/v1/chat/completions");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(traces.trace(chat))
                    .as(OtlpReceiver.describe(traces.trace(chat)))
                    .extracting(s -> s.service() + ": " + s.name())
                    .contains(
                        "retrieve-service: query embedding", "retrieve-service: qdrant search")
                    .anySatisfy(
                        n -> assertThat(n).startsWith("retrieve-service: rag.v1.Retrieve")));
    assertOneTree(traces.trace(chat));
  }

  /**
   * The page's Documents view in real Chromium against the whole system: a person with their own
   * key (Bob's tenant) uploads three files of different formats and watches each reach "indexed",
   * sees why a fourth is refused, finds them in the list (and no one else's documents), asks about
   * one, deletes it and sees it leave the list and the answers; opens the report {@code ./rag eval}
   * wrote (order 3) from the page's list and sees its charts drawn with the report's numbers.
   * Screenshots at desktop and phone widths land in {@code target/page-test/}.
   */
  @Test
  @Order(12)
  void aPersonAddsListsAsksAboutAndDeletesTheirOwnFilesFromThePage() throws Exception {
    Path files = Files.createTempDirectory("workspace-files");
    try {
      Files.writeString(
          files.resolve("glass-frogs.md"),
          "# Glass frogs of Vellmar\n\nThe glass frogs of Vellmar turn violet at dusk, when the"
              + " river cools.\n\nBy day they are almost clear.\n");
      Files.writeString(
          files.resolve("tide-tables.html"),
          "<html><head><title>Tide tables of Orrin Bay</title></head><body><p>High water at Orrin"
              + " Bay comes twice a day, fifty minutes later each day.</p></body></html>");
      Files.writeString(
          files.resolve("lamp-oil.txt"),
          "Lamp oil pressed from sunflower seeds burns with little smoke in the harbour lamps.");
      Files.write(files.resolve("scan.bin"), new byte[] {0, 1, 2, 3, (byte) 0xff, 0, 0, 7, 9});
      Path screenshots = Path.of("target", "page-test").toAbsolutePath();
      BrowserScript.deleteTree(screenshots);
      Path script = Path.of(EndToEndIT.class.getResource("/page-test/workspace-page.mjs").toURI());
      BrowserScript.run(
          script,
          Duration.ofSeconds(480),
          generate.baseUrl() + "/",
          screenshots.toString(),
          BrowserScript.chromium().toString(),
          BrowserScript.playwright().toString(),
          BOB,
          files.toString());
      for (String shot :
          List.of("desktop-documents", "desktop-delete", "desktop-report", "phone-documents")) {
        assertThat(screenshots.resolve(shot + ".png")).isNotEmptyFile();
      }
    } finally {
      BrowserScript.deleteTree(files);
    }
  }

  /**
   * The trace of the first server span of {@code service} for {@code POST route} received after
   * {@code from} (by exact name: other calls on the same prefix, such as status polls, are not it).
   */
  private static String traceOfServerSpan(int from, String service, String route) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                traces.spans().subList(from, traces.spans().size()).stream()
                    .filter(s -> s.service().equals(service) && s.kind().equals("SPAN_KIND_SERVER"))
                    .filter(s -> s.name().equals("POST " + route))
                    .map(OtlpReceiver.Span::traceId)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  /** Every span's parent is in the trace, but for one root: the hops are joined, not parallel. */
  private static void assertOneTree(List<OtlpReceiver.Span> trace) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    trace.forEach(s -> ids.add(s.spanId()));
    assertThat(trace)
        .as(OtlpReceiver.describe(trace))
        .filteredOn(s -> s.parentSpanId().isEmpty() || !ids.contains(s.parentSpanId()))
        .hasSize(1);
  }

  /**
   * {@code rag sync} keeps a source equal to a folder through edits, a rename and a deletion, each
   * checked in the index; unchanged (or only touched) files cost nothing, also across runs (the
   * state is on disk), and {@code --watch} picks up a change by itself.
   */
  @Test
  @Order(10)
  void syncKeepsASourceEqualToAFolderThroughEditsRenamesAndDeletions(@TempDir Path work)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("papers"));
    Files.writeString(
        dir.resolve("a.md"), "# Auroras\n\nAuroras glow when the solar wind meets the air.\n");
    Files.writeString(dir.resolve("b.txt"), "Coral reefs grow slowly in warm shallow seas.");
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/c.md"), "# Obsidian\n\nObsidian is volcanic glass.\n");
    Path state = work.resolve("state.json");

    assertThat(sync(dir, state)).contains("3 new, 0 changed, 0 removed, 0 unchanged");
    for (String id : List.of("a", "b", "sub/c")) {
      assertThat(countPoints(inSource("sync", id))).as(id).isPositive();
    }
    String firstVersion =
        get(ingest.baseUrl() + "/v1/documents/a?source=sync").path("version").asText();

    // An edit replaces the document's version.
    Files.writeString(
        dir.resolve("a.md"),
        "# Auroras\n\nAuroras glow where the magnetosphere funnels particles.\n");
    assertThat(sync(dir, state)).contains("0 new, 1 changed, 0 removed, 2 unchanged");
    JsonNode edited = get(ingest.baseUrl() + "/v1/documents/a?source=sync");
    assertThat(edited.path("state").asText()).isEqualTo("indexed");
    assertThat(edited.path("version").asText()).isNotEqualTo(firstVersion);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> countPoints(inSource("sync", "a")) == 1);

    // A rename is a new document and the old one's removal.
    Files.move(dir.resolve("b.txt"), dir.resolve("b2.txt"));
    assertThat(sync(dir, state)).contains("1 new, 0 changed, 1 removed, 2 unchanged");
    assertThat(countPoints(inSource("sync", "b2"))).isPositive();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> countPoints(inSource("sync", "b")) == 0);

    // A deletion removes the document to its last point.
    Files.delete(dir.resolve("sub/c.md"));
    assertThat(sync(dir, state)).contains("0 new, 0 changed, 1 removed, 2 unchanged");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> countPoints(inSource("sync", "sub/c")) == 0);

    // Nothing changed, or a file only touched: nothing sent, in a new process.
    Files.setLastModifiedTime(
        dir.resolve("a.md"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    assertThat(sync(dir, state)).contains("0 new, 0 changed, 0 removed, 2 unchanged");
    String current = get(ingest.baseUrl() + "/v1/documents/a?source=sync").path("version").asText();
    assertThat(current).isEqualTo(edited.path("version").asText());

    // --watch follows the folder by itself.
    Path log = root.resolve("e2e-tests/target/e2e-logs/rag-sync-watch.log");
    Process watcher = syncProcess(dir, state, log, "--watch", "--interval", "600").start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(log) && Files.readString(log).contains("Watching"));
      Files.writeString(dir.resolve("d.md"), "# Dunes\n\nWind shapes sand dunes into ripples.\n");
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> countPoints(inSource("sync", "d")) > 0);
    } finally {
      watcher.destroy();
      watcher.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Object> inSource(String source, String id) {
    return Map.of("must", List.of(match("document_id", id), match("source", source)));
  }

  /** Runs {@code rag sync} once into source "sync"; its output, after checking it succeeded. */
  private static String sync(Path dir, Path state) throws Exception {
    Path log = root.resolve("e2e-tests/target/e2e-logs/rag-sync.log");
    Process process = syncProcess(dir, state, log).start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static ProcessBuilder syncProcess(Path dir, Path state, Path log, String... more) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                root.resolve("rag-cli/target/quarkus-app/quarkus-run.jar").toString(),
                "sync",
                "--source",
                "sync",
                "--state",
                state.toString(),
                dir.toString()));
    command.addAll(List.of(more));
    ProcessBuilder cli =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    cli.environment().put("RAG_INGEST_URL", ingest.baseUrl());
    cli.environment().put("RAG_API_KEY", ALICE);
    cli.environment().put("RAG_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    return cli;
  }

  /**
   * The MCP door of the running system through the official MCP Java SDK: a key's search finds its
   * tenant's documents only, a passage's document reads back as a resource, and a document's status
   * comes from ingest-service for the key's tenant only.
   */
  @Test
  @Order(9)
  void anMcpClientSearchesAndReadsItsOwnTenantsDocumentsOnly() throws Exception {
    try (McpSyncClient alice = mcpClient(ALICE);
        McpSyncClient bob = mcpClient(BOB)) {
      alice.initialize();
      bob.initialize();
      McpSchema.CallToolResult found =
          alice.callTool(
              new McpSchema.CallToolRequest(
                  "search", Map.of("query", "What causes ocean tides?", "top_k", 3)));
      JsonNode passages = JSON.valueToTree(found.structuredContent()).path("passages");
      assertThat(passages.get(0).path("documentId").asText()).isEqualTo("tides");
      McpSchema.ReadResourceResult document =
          alice.readResource(
              new McpSchema.ReadResourceRequest(passages.get(0).path("documentUri").asText()));
      assertThat(((McpSchema.TextResourceContents) document.contents().get(0)).text())
          .startsWith("# Ocean tides")
          .contains(passages.get(0).path("text").asText());

      // Bob's tenant holds no tides: neither search nor the resource reaches Alice's.
      JsonNode bobs =
          JSON.valueToTree(
                  bob.callTool(
                          new McpSchema.CallToolRequest(
                              "search", Map.of("query", "What causes ocean tides?")))
                      .structuredContent())
              .path("passages");
      for (JsonNode p : bobs) {
        assertThat(p.path("documentId").asText()).isNotEqualTo("tides");
      }
      String tidesUri = passages.get(0).path("documentUri").asText();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> bob.readResource(new McpSchema.ReadResourceRequest(tidesUri)))
          .hasMessageContaining("Resource not found");

      // The status, through generate-service's key at ingest-service, for the caller's tenant.
      Map<String, Object> where =
          Map.of("document_id", "tides", "source", passages.get(0).path("source").asText());
      JsonNode status =
          JSON.valueToTree(
              alice
                  .callTool(new McpSchema.CallToolRequest("get_document_status", where))
                  .structuredContent());
      assertThat(status.path("state").asText()).isEqualTo("indexed");
      assertThat(status.path("chunks").asInt()).isPositive();
      assertThat(status.path("documentUri").asText()).isEqualTo(tidesUri);
      JsonNode bobsStatus =
          JSON.valueToTree(
              bob.callTool(new McpSchema.CallToolRequest("get_document_status", where))
                  .structuredContent());
      assertThat(bobsStatus.path("state").asText()).isEqualTo("unknown");
    }
  }

  private static McpSyncClient mcpClient(String key) {
    return McpClient.sync(
            HttpClientStreamableHttpTransport.builder(generate.baseUrl())
                .endpoint("/mcp")
                .httpRequestCustomizer(
                    (request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + key))
                .build())
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60))
        .build();
  }

  /**
   * An embed-service on the remote backend, embedding through another embed-service's {@code
   * /v1/embeddings} (standing in for TEI, vLLM or NIM on a GPU node): it indexes every document
   * into a collection of its own model id, answers the query path of a retrieve and generate of its
   * own, and when the server goes away it waits and retries, dead-lettering nothing, until the
   * server is back.
   */
  @Test
  @Order(7)
  void anEmbedServiceEmbedsThroughAnotherOnesOpenAiEmbeddingsAndWaitsOutItsOutage()
      throws Exception {
    int serverPort = FreePorts.find();
    Map<String, String> serverConfig = new LinkedHashMap<>(common);
    // A pure embeddings server: no chunk consumer of its own.
    serverConfig.put("mp.messaging.incoming.chunks-in.enabled", "false");
    int remotePort = FreePorts.find();
    Map<String, String> remoteConfig = new LinkedHashMap<>(common);
    remoteConfig.put("embed.backend", "remote");
    remoteConfig.put("embed.model", "remote-bge");
    remoteConfig.put("embed.remote.url", "http://127.0.0.1:" + serverPort + "/v1");
    remoteConfig.put("embed.remote.model", "bge-small-en-v1.5-int8");
    remoteConfig.put("embed.remote.api-key", SERVICES);
    remoteConfig.put("embed.remote.attempts", "2");
    int queryRetrievePort = FreePorts.find();
    Map<String, String> queryConfig = new LinkedHashMap<>(common);
    queryConfig.put("quarkus.grpc.clients.embed.port", Integer.toString(remotePort));
    queryConfig.put("quarkus.grpc.clients.retrieve.port", Integer.toString(queryRetrievePort));
    // Query side only: the system's retrieve-service indexes every model's embeddings.
    queryConfig.put("mp.messaging.incoming.embeddings-in.enabled", "false");
    String remoteCollection = PREFIX + "__remote_bge";
    Path remoteLog = root.resolve("e2e-tests/target/e2e-logs/embed-service-remote.log");

    ServiceProcess server =
        ServiceProcess.start(
            root, "embed-service", "embed-service-server", serverPort, serverConfig);
    try (ServiceProcess remote =
            startReady(
                server,
                () ->
                    ServiceProcess.start(
                        root, "embed-service", "embed-service-remote", remotePort, remoteConfig));
        ServiceProcess queryRetrieve =
            ServiceProcess.start(
                root,
                "retrieve-service",
                "retrieve-service-remote",
                queryRetrievePort,
                queryConfig);
        ServiceProcess queryGenerate =
            ServiceProcess.start(
                root,
                "generate-service",
                "generate-service-remote",
                FreePorts.find(),
                queryConfig)) {
      queryRetrieve.awaitReady(Duration.ofSeconds(120));
      queryGenerate.awaitReady(Duration.ofSeconds(120));
      Map<String, Object> question =
          Map.of(
              "model",
              "rag",
              "messages",
              List.of(Map.of("role", "user", "content", "What causes ocean tides?")));
      // The remote model's index fills from the chunks already in Kafka, and answers.
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(
              () ->
                  citedDocuments(post(queryGenerate.baseUrl() + "/v1/chat/completions", question))
                      .contains("tides"));
      assertThat(JsonHttp.countPoints(qdrant.httpUrl(), remoteCollection, document("tides")))
          .isEqualTo(countPoints(document("tides")));

      // The server goes away: a new document waits, it is not dead-lettered.
      server.close();
      ingest(
          "volcanoes",
          "Volcanoes",
          "A volcano erupts when magma rises through the crust and gas pressure pushes it out as lava"
              + " and ash.");
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Files.readString(remoteLog).contains("Embedding delayed"));
      assertThat(JsonHttp.countPoints(qdrant.httpUrl(), remoteCollection, document("volcanoes")))
          .isZero();
      server =
          ServiceProcess.start(
              root, "embed-service", "embed-service-server", serverPort, serverConfig);
      server.awaitReady(Duration.ofSeconds(120));
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  JsonHttp.countPoints(qdrant.httpUrl(), remoteCollection, document("volcanoes"))
                      > 0);
      assertThat(Files.readString(remoteLog)).doesNotContain("dead-letter topic");
      Map<String, Object> volcanoes =
          Map.of(
              "model",
              "rag",
              "messages",
              List.of(Map.of("role", "user", "content", "Why does a volcano erupt?")));
      assertThat(citedDocuments(post(queryGenerate.baseUrl() + "/v1/chat/completions", volcanoes)))
          .contains("volcanoes");
    } finally {
      server.close();
    }
  }

  /** Starts {@code next} once {@code first} is ready (it reaches {@code first} at startup). */
  private static ServiceProcess startReady(
      ServiceProcess first, java.util.function.Supplier<ServiceProcess> next) {
    first.awaitReady(Duration.ofSeconds(120));
    ServiceProcess started = next.get();
    started.awaitReady(Duration.ofSeconds(120));
    return started;
  }

  /**
   * Two tenants on one system: calls without a valid key are refused, and neither tenant's
   * questions, statuses or deletions reach the other's documents.
   */
  @Test
  @Order(6)
  void twoTenantsNeverSeeEachOthersDocuments(@TempDir Path dir) throws Exception {
    Map<String, Object> secret =
        Map.of(
            "id",
            "bob-secret",
            "source",
            "notes",
            "title",
            "Quasar ledger",
            "text",
            "The quasar ledger records every telescope night of the observatory in Atacama.");
    String documents = ingest.baseUrl() + "/v1/documents";
    String chat = generate.baseUrl() + "/v1/chat/completions";
    assertThat(JsonHttp.send(null, "POST", documents, secret).statusCode()).isEqualTo(401);
    assertThat(JsonHttp.send(BOB + "x", "POST", documents, secret).statusCode()).isEqualTo(401);
    assertThat(JsonHttp.send(null, "POST", chat, Map.of("messages", List.of())).statusCode())
        .isEqualTo(401);
    String replays = ingest.baseUrl() + "/v1/admin/replays";
    assertThat(JsonHttp.send(BOB, "GET", replays + "/x", null).statusCode()).isEqualTo(403);
    // Replays read every tenant's documents: a tenant's admin may not start one, an operator may,
    // but never into the model embed-service serves live (as its Info says).
    Map<String, Object> intoLive = Map.of("targetModel", "bge-small-en-v1.5-int8");
    assertThat(JsonHttp.send(ALICE, "POST", replays, intoLive).statusCode()).isEqualTo(403);
    var refused = JsonHttp.send(OPS, "POST", replays, intoLive);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("live pipeline");
    assertThat(JsonHttp.send(BOB, "POST", documents, secret).statusCode()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                JSON.readTree(
                        JsonHttp.send(BOB, "GET", documents + "/bob-secret?source=notes", null)
                            .body())
                    .path("state")
                    .asText()
                    .equals("indexed"));

    // Each asks about the other's document: nothing of the other tenant comes back.
    Map<String, Object> aboutQuasar =
        Map.of(
            "messages",
            List.of(Map.of("role", "user", "content", "What does the quasar ledger record?")));
    JsonNode alices = JSON.readTree(JsonHttp.send(ALICE, "POST", chat, aboutQuasar).body());
    assertThat(alices.path("sources").findValuesAsText("document_id")).doesNotContain("bob-secret");
    JsonNode bobs = JSON.readTree(JsonHttp.send(BOB, "POST", chat, aboutQuasar).body());
    assertThat(bobs.path("sources").findValuesAsText("document_id")).containsExactly("bob-secret");
    Map<String, Object> aboutTides =
        Map.of("messages", List.of(Map.of("role", "user", "content", "What causes ocean tides?")));
    JsonNode bobOnTides = JSON.readTree(JsonHttp.send(BOB, "POST", chat, aboutTides).body());
    assertThat(bobOnTides.path("sources").findValuesAsText("document_id"))
        .containsOnly("bob-secret");

    // Status and delete are scoped too: Alice cannot see Bob's document or delete it.
    assertThat(
            JsonHttp.send(ALICE, "GET", documents + "/bob-secret?source=notes", null).statusCode())
        .isEqualTo(404);
    assertThat(
            JsonHttp.send(ALICE, "DELETE", documents + "/bob-secret?source=notes", null)
                .statusCode())
        .isEqualTo(202);
    // Alice's deletion (of her own tenant's bob-secret, which she never had) has gone through the
    // whole pipeline once its status says deleted: only then is Bob's document looked at again.
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                JSON.readTree(
                        JsonHttp.send(ALICE, "GET", documents + "/bob-secret?source=notes", null)
                            .body())
                    .path("state")
                    .asText()
                    .equals("deleted"));
    assertThat(
            JSON.readTree(
                    JsonHttp.send(BOB, "GET", documents + "/bob-secret?source=notes", null).body())
                .path("state")
                .asText())
        .isEqualTo("indexed");
    assertThat(
            countPoints(
                Map.of(
                    "must",
                    List.of(match("document_id", "bob-secret"), match("tenant", "other-lab")))))
        .isEqualTo(1);

    // A person's key cannot name another tenant on gRPC Retrieve (the CLI's bench names one).
    Files.writeString(
        dir.resolve("corpus.jsonl"),
        JSON.writeValueAsString(Map.of("_id", "d", "title", "t", "text", "x")) + "\n");
    Files.writeString(
        dir.resolve("queries.jsonl"),
        JSON.writeValueAsString(Map.of("_id", "q", "text", "ocean tides")) + "\n");
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq\td\t1\n");
    Path log = root.resolve("e2e-tests/target/e2e-logs/rag-bench-other-tenant.log");
    ProcessBuilder bench =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                root.resolve("rag-cli/target/quarkus-app/quarkus-run.jar").toString(),
                "bench",
                "retrieve",
                "--dir",
                dir.toString(),
                "--tenant",
                "default",
                "--concurrency",
                "1",
                "--requests",
                "1")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    bench.environment().put("RAG_RETRIEVE_PORT", Integer.toString(retrievePort));
    bench.environment().put("RAG_API_KEY", BOB);
    Process process = bench.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log);
    assertThat(process.exitValue()).as(output).isNotZero();
    assertThat(output).contains("PERMISSION_DENIED");
  }

  /**
   * The fast cases of the adversarial suite ({@link AdversarialIT} has them all): one tenant sends
   * hostile inputs, each refused with its reason or indexed within the limits, while the other
   * tenant's documents keep being indexed and no service dies.
   */
  @Test
  @Order(8)
  void hostileInputsNeitherStopNorStarveThePlatform() throws Exception {
    HostileInputRunner runner =
        new HostileInputRunner(ingest, services, kafka.bootstrapServers(), BOB, "other-lab", ALICE);
    var results = runner.run(HostileInputs.fast("hostile"), "hostile");
    HostileInputRunner.write(root.resolve("e2e-tests/target/adversarial-smoke.md"), results);
    assertThat(results)
        .filteredOn(r -> r.hostile().name().equals("pdf-flate-bomb"))
        .singleElement()
        .satisfies(r -> assertThat(r.outcome()).contains("ingest.limits.pdf.max-stream-bytes"));
    assertThat(results)
        .filteredOn(r -> r.hostile().name().equals("jsonl-million-tiny-records"))
        .singleElement()
        .satisfies(r -> assertThat(r.outcome()).contains("max-documents-per-file"));
  }
}
