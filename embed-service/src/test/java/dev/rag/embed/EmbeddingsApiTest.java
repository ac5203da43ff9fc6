package dev.rag.embed;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.rag.common.auth.ApiKeys;
import dev.rag.common.errors.InvalidArgumentException;
import dev.rag.common.errors.UnavailableException;
import dev.rag.embed.remote.RemoteEmbedder;
import dev.rag.embedding.TextKind;
import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.InputKind;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.NpmPackages;
import dev.rag.testsupport.QdrantServer;
import io.grpc.Metadata;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings} with authentication on, through the clients users run: the official
 * openai npm SDK, LangChain4j's {@code OpenAiEmbeddingModel}, and the remote backend's own client.
 * Every vector must equal gRPC Embed's for the same text. Needs Node.js and npm for the SDK (fails,
 * saying how to install them, when they are missing).
 */
@QuarkusTest
@TestProfile(EmbeddingsApiTest.WithAKey.class)
@WithTestResource(KafkaResource.class)
class EmbeddingsApiTest {

  static final String KEY = ApiKeys.newKey();
  static final String MODEL = "bge-small-en-v1.5-int8";

  /** Authentication on, as in production. */
  public static class WithAKey implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "rag.auth.enabled",
          "true",
          "rag.auth.keys",
          "embedder " + ApiKeys.digest(KEY) + " t1 query",
          "embed.limits.max-texts",
          "8");
    }
  }

  static final String OPENAI_VERSION = "6.49.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  @GrpcClient("embed")
  Embed grpc;

  /** This service's own model, which counts the tokens its /v1/embeddings reports. */
  @Inject EmbeddingService embeddings;

  @TestHTTPResource("/v1")
  URL base;

  /** gRPC Embed's vectors, the reference every door must match. */
  private List<float[]> grpcVectors(List<String> texts, InputKind kind) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
    var response =
        GrpcClientUtils.attachHeaders(grpc, headers)
            .embed(EmbedRequest.newBuilder().addAllTexts(texts).setKind(kind).build())
            .await()
            .atMost(Duration.ofSeconds(60));
    List<float[]> vectors = new ArrayList<>();
    for (var v : response.getVectorsList()) {
      float[] f = new float[v.getValuesCount()];
      for (int i = 0; i < f.length; i++) {
        f[i] = v.getValues(i);
      }
      vectors.add(f);
    }
    return vectors;
  }

  private static void assertSameVector(JsonNode actual, float[] expected) {
    assertThat(actual.size()).isEqualTo(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((float) actual.get(i).asDouble()).isEqualTo(expected[i]);
    }
  }

  @Test
  void theOfficialOpenAiSdkGetsGrpcEmbedsVectorsAndItsErrorStatuses() throws Exception {
    Path prefix = QdrantServer.cacheDir().resolve("openai").resolve(OPENAI_VERSION);
    NpmPackages.install(
        prefix,
        "openai",
        OPENAI_VERSION,
        prefix.resolve("node_modules/openai/package.json"),
        "The embeddings test needs Node.js and npm: apt-get install nodejs npm");
    Path output = Files.createTempFile("embeddings-sdk", ".txt");
    try {
      Process node =
          new ProcessBuilder(
                  "node", script().toString(), base.toString(), KEY, prefix.toString(), MODEL)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      boolean finished = node.waitFor(120, TimeUnit.SECONDS);
      if (!finished) {
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String log = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(finished).withFailMessage("embeddings.cjs ran past 120 s:%n%s", log).isTrue();
      assertThat(node.exitValue()).withFailMessage("embeddings.cjs failed:%n%s", log).isZero();
      JsonNode result = JSON.readTree(log.lines().reduce((a, b) -> b).orElse("{}"));

      List<float[]> expected =
          grpcVectors(
              List.of(
                  "How are Kafka partitions replicated?",
                  "Qdrant stores vectors.",
                  "Kafka stores records in partitions."),
              InputKind.INPUT_KIND_PASSAGE);
      assertThat(result.path("oneModel").asText()).isEqualTo(MODEL);
      assertThat(result.path("oneTokens").asInt()).isGreaterThan(5);
      assertSameVector(result.at("/one/0"), expected.get(0));
      assertThat(result.at("/many/0/index").asInt()).isZero();
      assertSameVector(result.at("/many/0/embedding"), expected.get(1));
      assertThat(result.at("/many/1/index").asInt()).isEqualTo(1);
      assertSameVector(result.at("/many/1/embedding"), expected.get(2));
      assertSameVector(result.at("/floats/0"), expected.get(1));
      assertThat(result.path("wrongModel").asInt()).isEqualTo(404);
      assertThat(result.path("wrongDimensions").asInt()).isEqualTo(400);
      assertThat(result.path("noKey").asInt()).isEqualTo(401);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  @Test
  void langChain4jsOpenAiEmbeddingModelGetsTheSameVectors() {
    var model =
        OpenAiEmbeddingModel.builder()
            .baseUrl(base.toString())
            .apiKey(KEY)
            .modelName(MODEL)
            .build();
    List<Embedding> embedded =
        model
            .embedAll(
                List.of(
                    TextSegment.from("Qdrant stores vectors."),
                    TextSegment.from("Kafka stores records in partitions.")))
            .content();
    List<float[]> expected =
        grpcVectors(
            List.of("Qdrant stores vectors.", "Kafka stores records in partitions."),
            InputKind.INPUT_KIND_PASSAGE);
    assertThat(embedded).hasSize(2);
    assertThat(embedded.get(0).vector()).containsExactly(expected.get(0));
    assertThat(embedded.get(1).vector()).containsExactly(expected.get(1));
    assertThat(model.dimension()).isEqualTo(384);
  }

  @Test
  void queriesFollowTheModelsQueryConventionWhenAskedFor() {
    float[] query = grpcVectors(List.of("kafka replication"), InputKind.INPUT_KIND_QUERY).get(0);
    JsonNode body =
        given()
            .auth()
            .oauth2(KEY)
            .contentType("application/json")
            .body(Map.of("model", MODEL, "input", "kafka replication", "input_type", "query"))
            .post("/v1/embeddings")
            .then()
            .statusCode(200)
            .extract()
            .as(JsonNode.class);
    assertSameVector(body.at("/data/0/embedding"), query);
  }

  @Test
  void refusesWhatItCannotHonourInOpenAisShapeNamingTheField() {
    Map<String, Object> tooMany = Map.of("model", MODEL, "input", Collections.nCopies(9, "x"));
    List<Object[]> cases =
        List.of(
            new Object[] {Map.of("model", MODEL, "input", List.of(List.of(1, 2, 3))), "input"},
            new Object[] {Map.of("model", MODEL, "input", List.of(1, 2, 3)), "input"},
            new Object[] {Map.of("model", MODEL, "input", List.of()), "input"},
            new Object[] {Map.of("model", MODEL), "input"},
            new Object[] {tooMany, "input"},
            new Object[] {Map.of("model", MODEL, "input", List.of("ok", " ")), "input[1]"},
            new Object[] {Map.of("model", MODEL, "input", "x".repeat(9000)), "input[0]"},
            new Object[] {
              Map.of("model", MODEL, "input", "x", "encoding_format", "int8"), "encoding_format"
            },
            new Object[] {Map.of("model", MODEL, "input", "x", "input_type", "poem"), "input_type"},
            new Object[] {Map.of("model", MODEL, "input", "x", "dimensions", 128), "dimensions"},
            new Object[] {Map.of("input", "x"), "model"});
    for (Object[] c : cases) {
      given()
          .auth()
          .oauth2(KEY)
          .contentType("application/json")
          .body(c[0])
          .post("/v1/embeddings")
          .then()
          .statusCode(400)
          .body("error.type", equalTo("invalid_request_error"))
          .body("error.param", equalTo(c[1]));
    }
    given()
        .auth()
        .oauth2(KEY)
        .contentType("application/json")
        .body("{\"input\": [")
        .post("/v1/embeddings")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"));
    given()
        .auth()
        .oauth2(KEY)
        .contentType("application/json")
        .body(Map.of("model", "text-embedding-3-small", "input", "x"))
        .post("/v1/embeddings")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("model_not_found"));
    given()
        .contentType("application/json")
        .body(Map.of("model", MODEL, "input", "x"))
        .post("/v1/embeddings")
        .then()
        .statusCode(401)
        .body("error.type", equalTo("authentication_error"));
    given()
        .auth()
        .oauth2(KEY)
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("data[0].id", equalTo(MODEL));
  }

  private RemoteEmbedder.Options remote(URI url, String serverModel, String key, int attempts) {
    return new RemoteEmbedder.Options(
        "remote-bge",
        url,
        serverModel,
        Optional.of(key),
        2,
        2,
        Duration.ofSeconds(30),
        attempts,
        Optional.empty(),
        true);
  }

  @Test
  void theRemoteBackendReadsTheseVectorsAndTellsWrongInputFromAnOutage() throws Exception {
    List<String> texts =
        List.of("Qdrant stores vectors.", "Kafka stores records in partitions.", "Third text.");
    try (RemoteEmbedder remote = RemoteEmbedder.connect(remote(base.toURI(), MODEL, KEY, 2))) {
      assertThat(remote.modelId()).isEqualTo("remote-bge");
      assertThat(remote.dimension()).isEqualTo(384);
      // Three texts in batches of two, two requests at once; order kept; the tokens are what the
      // server said it read, summed over both requests.
      RemoteEmbedder.Counted counted = remote.embedCounted(texts, TextKind.PASSAGE);
      List<float[]> passages = counted.vectors();
      List<float[]> expected = grpcVectors(texts, InputKind.INPUT_KIND_PASSAGE);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(passages.get(i)).containsExactly(expected.get(i));
      }
      assertThat(counted.tokens())
          .isPositive()
          .isEqualTo(embeddings.embedCounted(texts, TextKind.PASSAGE).tokens());
      float[] query = remote.embed(List.of("kafka replication"), TextKind.QUERY).get(0);
      assertThat(query)
          .containsExactly(
              grpcVectors(List.of("kafka replication"), InputKind.INPUT_KIND_QUERY).get(0));
      // The server refuses a text as too long: the input is wrong, at once.
      assertThatThrownBy(() -> remote.embed(List.of("x".repeat(9000)), TextKind.PASSAGE))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("refused");
    }
    // A model the server does not have, a key it does not know, a server that is not there:
    // the deployment is wrong or away, so an outage (retried, never a dead letter).
    assertThatThrownBy(() -> RemoteEmbedder.connect(remote(base.toURI(), "other-model", KEY, 2)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("after 2 attempts");
    assertThatThrownBy(() -> RemoteEmbedder.connect(remote(base.toURI(), MODEL, "wrong", 1)))
        .isInstanceOf(UnavailableException.class);
    URI nobody = URI.create("http://127.0.0.1:" + FreePorts.find() + "/v1");
    assertThatThrownBy(() -> RemoteEmbedder.connect(remote(nobody, MODEL, KEY, 2)))
        .isInstanceOf(UnavailableException.class);
  }

  private static Path script() throws URISyntaxException, IOException {
    URL script = EmbeddingsApiTest.class.getResource("/openai-test/embeddings.cjs");
    assertThat(script).as("openai-test/embeddings.cjs on the test classpath").isNotNull();
    return Path.of(script.toURI());
  }
}
