package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.common.KafkaAccess;
import dev.rag.common.KafkaAccess.Service;
import dev.rag.common.TopicProvisioner;
import dev.rag.common.auth.ApiKeys;
import dev.rag.local.LocalTls;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged services on a secured broker and a secured Qdrant, as production runs them: Kafka
 * with SASL/SCRAM over TLS and one principal per service holding only its ACLs ({@link
 * KafkaAccess}), topics made by the operator; Qdrant with an API key and TLS from a private
 * authority. A document goes through every stage and is cited; clients without credentials are
 * refused.
 */
class SecuredSystemIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "sec_" + UUID.randomUUID().toString().replace("-", "");
  private static final String COLLECTION = PREFIX + "__bge_small_en_v1_5_int8";
  private static final String ALICE = ApiKeys.newKey();
  private static final String SERVICES = ApiKeys.newKey();

  private static KafkaBroker kafka;
  private static QdrantServer qdrant;
  private static final List<ServiceProcess> services = new ArrayList<>();
  private static ServiceProcess ingest;
  private static ServiceProcess generate;

  @BeforeAll
  static void startSecuredSystem() {
    Path root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    kafka = KafkaBroker.startSecured(3);
    // The operator makes the topics; no service may.
    TopicProvisioner.ensure(
        kafka.adminConfig(), TopicProvisioner.pipelineTopics(3), Duration.ofSeconds(30));
    qdrant = QdrantServer.startSecured();
    int embedPort = FreePorts.find();
    int retrievePort = FreePorts.find();
    Map<String, String> common =
        RagSystem.config(
            kafka,
            qdrant,
            PREFIX,
            embedPort,
            retrievePort,
            List.of(
                "alice " + ApiKeys.digest(ALICE) + " default admin",
                "services " + ApiKeys.digest(SERVICES) + " default service,query"),
            SERVICES);
    common.put("retrieve.qdrant.tls", "true");
    common.put("retrieve.qdrant.ca-certificate", qdrant.tls().orElseThrow().caPem().toString());
    common.put("retrieve.qdrant.api-key", qdrant.apiKey().orElseThrow());

    Map<Service, Map<String, String>> configs = new LinkedHashMap<>();
    for (Service service : Service.values()) {
      String password = kafka.createUser(service.id());
      kafka.grant(KafkaAccess.bindings(service, "User:" + service.id()));
      Map<String, String> config = new LinkedHashMap<>(common);
      kafka
          .clientConfig(service.id(), password)
          .forEach((k, v) -> config.put("kafka." + k, String.valueOf(v)));
      configs.put(service, config);
    }
    services.add(
        ServiceProcess.start(root, "embed-service", embedPort, configs.get(Service.EMBED)));
    services.add(
        ServiceProcess.start(
            root, "retrieve-service", retrievePort, configs.get(Service.RETRIEVE)));
    ingest =
        ServiceProcess.start(root, "ingest-service", FreePorts.find(), configs.get(Service.INGEST));
    services.add(ingest);
    // generate-service does not use Kafka: it gets no credentials at all.
    Map<String, String> generateConfig = new LinkedHashMap<>(common);
    generateConfig.remove("kafka.bootstrap.servers");
    generate = ServiceProcess.start(root, "generate-service", FreePorts.find(), generateConfig);
    services.add(generate);
    services.forEach(s -> s.awaitReady(Duration.ofSeconds(180)));
  }

  @AfterAll
  static void stop() {
    services.forEach(ServiceProcess::close);
    if (qdrant != null) {
      qdrant.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aDocumentGoesThroughEveryStageAndIsCited() throws Exception {
    HttpResponse<String> receipt =
        JsonHttp.send(
            ALICE,
            "POST",
            ingest.baseUrl() + "/v1/documents",
            Map.of(
                "id",
                "tides",
                "source",
                "papers",
                "title",
                "Ocean tides",
                "text",
                "Tides are caused mainly by the gravitational pull of the Moon on the oceans."
                    + " The Sun adds a smaller pull, so spring tides happen when Sun and Moon"
                    + " line up."));
    assertThat(receipt.statusCode()).as(receipt.body()).isLessThan(300);

    // The status store (a Kafka Streams table on the status topic) follows every stage.
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                JSON.readTree(
                        JsonHttp.send(
                                ALICE,
                                "GET",
                                ingest.baseUrl() + "/v1/documents/tides?source=papers",
                                null)
                            .body())
                    .path("state")
                    .asText()
                    .equals("indexed"));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> JsonHttp.cited(ask("What causes ocean tides?")).contains("tides"));
    assertThat(countPoints(qdrant.apiKey().orElseThrow())).isPositive();
  }

  @Test
  void qdrantRefusesACallWithoutTheKeyAndAPlaintextClient() throws Exception {
    HttpResponse<String> withoutKey =
        trustingClient()
            .send(
                HttpRequest.newBuilder(URI.create(qdrant.httpUrl() + "/collections")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(withoutKey.statusCode()).isEqualTo(401);
    HttpResponse<String> wrongKey =
        trustingClient()
            .send(
                HttpRequest.newBuilder(URI.create(qdrant.httpUrl() + "/collections"))
                    .header("api-key", "not-the-key")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    String plaintext = qdrant.httpUrl().replace("https://", "http://") + "/collections";
    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(plaintext))
                            .header("api-key", qdrant.apiKey().orElseThrow())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  private static JsonNode ask(String question) throws Exception {
    HttpResponse<String> response =
        JsonHttp.send(
            ALICE,
            "POST",
            generate.baseUrl() + "/v1/chat/completions",
            Map.of(
                "model", "rag", "messages", List.of(Map.of("role", "user", "content", question))));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static long countPoints(String apiKey) throws Exception {
    HttpResponse<String> response =
        trustingClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            qdrant.httpUrl() + "/collections/" + COLLECTION + "/points/count"))
                    .header("api-key", apiKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"exact\":true}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("result").path("count").asLong();
  }

  private static HttpClient trustingClient() {
    return HttpClient.newBuilder()
        .sslContext(LocalTls.clientContext(qdrant.tls().orElseThrow()))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }
}
