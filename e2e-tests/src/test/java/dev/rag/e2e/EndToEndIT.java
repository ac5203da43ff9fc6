package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * The whole system as a user meets it: the four packaged services as separate processes, a real
 * Kafka broker, a real Qdrant server. Documents go in over HTTP and come back as cited answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String COLLECTION = "e2e_" + UUID.randomUUID().toString().replace("-", "");

  private static KafkaBroker kafka;
  private static QdrantServer qdrant;
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static ServiceProcess ingest;
  private static ServiceProcess generate;

  @BeforeAll
  static void startSystem() {
    Path root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    kafka = KafkaBroker.start(3);
    qdrant = QdrantServer.start();
    int embedPort = FreePorts.find();
    int retrievePort = FreePorts.find();
    Map<String, String> common = new LinkedHashMap<>();
    common.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    common.put("ingest.topics.partitions", "3");
    common.put("embed.topics.partitions", "3");
    common.put("retrieve.topics.partitions", "3");
    common.put("retrieve.qdrant.host", qdrant.host());
    common.put("retrieve.qdrant.port", Integer.toString(qdrant.grpcPort()));
    common.put("retrieve.qdrant.collection", COLLECTION);
    common.put("quarkus.grpc.clients.embed.port", Integer.toString(embedPort));
    common.put("quarkus.grpc.clients.retrieve.port", Integer.toString(retrievePort));

    services.add(ServiceProcess.start(root, "embed-service", embedPort, common));
    services.add(ServiceProcess.start(root, "retrieve-service", retrievePort, common));
    ingest = ServiceProcess.start(root, "ingest-service", FreePorts.find(), common);
    services.add(ingest);
    generate = ServiceProcess.start(root, "generate-service", FreePorts.find(), common);
    services.add(generate);
    for (ServiceProcess s : services) {
      s.awaitReady(Duration.ofSeconds(120));
    }
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

  private static JsonNode post(String url, Object body) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
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
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(qdrant.httpUrl() + "/collections/" + COLLECTION + "/points/count"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("filter", filter, "exact", true))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("result").path("count").asLong();
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
}
