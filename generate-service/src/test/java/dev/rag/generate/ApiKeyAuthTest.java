package dev.rag.generate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.auth.ConcurrencyLimiter;
import dev.rag.common.auth.ApiKeys;
import dev.rag.proto.v1.ChatMessage;
import dev.rag.proto.v1.GenerateGrpc;
import dev.rag.proto.v1.GenerateRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With authentication on: who may call what, and whose documents a call reads. */
@QuarkusTest
@TestProfile(ApiKeyAuthTest.WithKeys.class)
class ApiKeyAuthTest {

  static final String QUERY_KEY = ApiKeys.newKey();
  static final String INGEST_KEY = ApiKeys.newKey();
  static final String ADMIN_KEY = ApiKeys.newKey();
  static final String HASTY_KEY = ApiKeys.newKey();
  static final String SNEAKY_KEY = ApiKeys.newKey();
  static final String BUSY_KEY = ApiKeys.newKey();

  /** Requests one key may have in flight in this profile. */
  static final int MAX_IN_FLIGHT = 2;

  /** Three keys of two tenants. */
  public static class WithKeys implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "rag.auth.enabled",
          "true",
          // Eight at once, then one a minute: of twenty requests in a row a dozen are refused
          // unless sending them takes minutes (no key here needs more than eight).
          "rag.auth.rate-limit.burst",
          "8",
          "rag.auth.rate-limit.requests-per-minute",
          "1",
          "rag.auth.concurrency.max-in-flight",
          Integer.toString(MAX_IN_FLIGHT),
          "rag.auth.keys",
          String.join(
              ";",
              "asker " + ApiKeys.digest(QUERY_KEY) + " lab-a query",
              "loader " + ApiKeys.digest(INGEST_KEY) + " lab-a ingest",
              "boss " + ApiKeys.digest(ADMIN_KEY) + " lab-b admin",
              "hasty " + ApiKeys.digest(HASTY_KEY) + " lab-a query",
              "sneaky " + ApiKeys.digest(SNEAKY_KEY) + " lab-a query",
              "busy " + ApiKeys.digest(BUSY_KEY) + " lab-a query"));
    }
  }

  @Inject InMemoryRetriever retriever;

  @Inject ConcurrencyLimiter concurrency;

  @TestHTTPResource("/")
  URL url;

  private static Map<String, Object> question() {
    return Map.of(
        "model",
        "rag",
        "messages",
        List.of(Map.of("role", "user", "content", "How are Kafka partitions replicated?")));
  }

  @Test
  void theApiNeedsAKeyAndSaysSoInOpenAisShape() {
    given()
        .contentType("application/json")
        .body(question())
        .post("/v1/chat/completions")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer realm=\"rag\"")
        .body("error.type", equalTo("authentication_error"))
        .body("error.code", equalTo("invalid_api_key"));
    given()
        .header("Authorization", "Bearer " + QUERY_KEY + "x")
        .contentType("application/json")
        .body(question())
        .post("/v1/chat/completions")
        .then()
        .statusCode(401)
        .body("error.type", equalTo("authentication_error"));
    given().get("/v1/models").then().statusCode(401);
    given().get("/v1/sources").then().statusCode(401);
  }

  @Test
  void aKeyWithoutTheQueryRoleIsRefused() {
    given()
        .header("Authorization", "Bearer " + INGEST_KEY)
        .contentType("application/json")
        .body(question())
        .post("/v1/chat/completions")
        .then()
        .statusCode(403)
        .body("error.type", equalTo("permission_error"));
  }

  @Test
  void eachKeyReadsItsOwnTenantsDocuments() {
    given()
        .header("Authorization", "Bearer " + QUERY_KEY)
        .contentType("application/json")
        .body(question())
        .post("/v1/chat/completions")
        .then()
        .statusCode(200);
    assertThat(retriever.lastTenant()).isEqualTo("lab-a");
    given()
        .header("Authorization", "Bearer " + ADMIN_KEY)
        .get("/v1/sources")
        .then()
        .statusCode(200);
    given()
        .header("Authorization", "Bearer " + ADMIN_KEY)
        .contentType("application/json")
        .body(question())
        .post("/v1/chat/completions")
        .then()
        .statusCode(200);
    assertThat(retriever.lastTenant()).isEqualTo("lab-b");
  }

  @Test
  void healthAndThePageAreOpenMetricsNeedAnAdmin() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/").then().statusCode(200);
    given().get("/chat.js").then().statusCode(200);
    given().get("/chat.css").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(401);
    given().header("Authorization", "Bearer " + QUERY_KEY).get("/q/metrics").then().statusCode(403);
    given().header("Authorization", "Bearer " + ADMIN_KEY).get("/q/metrics").then().statusCode(200);
  }

  @Test
  void grpcCallsNeedAKeyToo() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    try {
      GenerateRequest request =
          GenerateRequest.newBuilder()
              .addMessages(
                  ChatMessage.newBuilder()
                      .setRole("user")
                      .setContent("How are Kafka partitions replicated?"))
              .build();
      assertThatThrownBy(() -> GenerateGrpc.newBlockingStub(channel).generate(request).next())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("Bearer <key>");
              });
      for (String key : List.of(INGEST_KEY, "not-a-key")) {
        Metadata refused = new Metadata();
        refused.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        assertThatThrownBy(
                () ->
                    GenerateGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(refused))
                        .generate(request)
                        .next())
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e ->
                    assertThat(e.getStatus().getCode())
                        .isEqualTo(
                            key.equals(INGEST_KEY)
                                ? Status.Code.PERMISSION_DENIED
                                : Status.Code.UNAUTHENTICATED));
      }
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + QUERY_KEY);
      var stub =
          GenerateGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      var events = stub.generate(request);
      assertThat(events.next().getDelta()).isNotEmpty();
      events.forEachRemaining(e -> {});
      assertThat(retriever.lastTenant()).isEqualTo("lab-a");
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aKeyOverItsRateIsToldWhenToComeBack() {
    int limited = 0;
    String retryAfter = null;
    for (int i = 0; i < 20; i++) {
      var response =
          given().header("Authorization", "Bearer " + HASTY_KEY).get("/v1/models").then().extract();
      if (response.statusCode() == 429) {
        limited++;
        retryAfter = response.header("Retry-After");
        assertThat(response.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
      } else {
        assertThat(response.statusCode()).isEqualTo(200);
      }
    }
    assertThat(limited).isGreaterThan(5);
    assertThat(Integer.parseInt(retryAfter)).isPositive();
    // Other keys are not held back by it.
    given().header("Authorization", "Bearer " + ADMIN_KEY).get("/v1/models").then().statusCode(200);

    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + HASTY_KEY);
      var stub =
          GenerateGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      GenerateRequest request =
          GenerateRequest.newBuilder()
              .addMessages(ChatMessage.newBuilder().setRole("user").setContent("q"))
              .build();
      Status.Code refused = null;
      for (int i = 0; i < 20 && refused == null; i++) {
        try {
          stub.generate(request).forEachRemaining(e -> {});
        } catch (StatusRuntimeException e) {
          refused = e.getStatus().getCode();
        }
      }
      assertThat(refused).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void aPlainHttpCallClaimingToBeGrpcIsStillRateLimited() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int limited = 0;
    for (int i = 0; i < 20; i++) {
      for (String method : List.of("GET", "DELETE")) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(url.toURI().resolve("/v1/models"))
                    .header("Authorization", "Bearer " + SNEAKY_KEY)
                    .header("Content-Type", "application/grpc")
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 429) {
          limited++;
        }
      }
    }
    assertThat(limited)
        .as("HTTP/1.1 requests over the rate, sent as application/grpc")
        .isGreaterThan(5);
  }

  @Test
  void aKeyWithTooManyRequestsInFlightIsToldToWaitWhileOthersAreServed() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + BUSY_KEY);
    var grpc =
        GenerateGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    String hold = "hold: how are Kafka partitions replicated?";
    try {
      // One request over HTTP and one over gRPC fill the key's places.
      retriever.hold();
      CompletableFuture<HttpResponse<String>> overHttp;
      CompletableFuture<Void> overGrpc;
      try {
        overHttp = http.sendAsync(chat(BUSY_KEY, hold), HttpResponse.BodyHandlers.ofString());
        overGrpc =
            CompletableFuture.runAsync(
                () -> grpc.generate(generateRequest(hold)).forEachRemaining(e -> {}));
        await().atMost(Duration.ofSeconds(30)).until(() -> retriever.held() == MAX_IN_FLIGHT);

        HttpResponse<String> refused =
            http.send(chat(BUSY_KEY, "What is Kafka?"), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("rate_limit_error").contains("in flight");
        assertThatThrownBy(
                () -> grpc.generate(generateRequest("What is Kafka?")).forEachRemaining(e -> {}))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> {
                  assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                  assertThat(e.getStatus().getDescription()).contains("in flight");
                });
        // Another key of the same tenant is not held back.
        assertThat(
                http.send(chat(QUERY_KEY, "What is Kafka?"), HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      } finally {
        retriever.release();
      }
      assertThat(overHttp.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      overGrpc.get(30, TimeUnit.SECONDS);
      // A client may see its answer before the server has ended the call and released its place.
      await().atMost(Duration.ofSeconds(30)).until(() -> concurrency.inFlight("busy") == 0);

      // Every finished or refused request gave its place back: the key fills both again.
      retriever.hold();
      List<CompletableFuture<HttpResponse<String>>> again = new ArrayList<>();
      try {
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
          again.add(http.sendAsync(chat(BUSY_KEY, hold), HttpResponse.BodyHandlers.ofString()));
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    retriever.held() == MAX_IN_FLIGHT
                        || again.stream().anyMatch(CompletableFuture::isDone));
      } finally {
        retriever.release();
      }
      for (CompletableFuture<HttpResponse<String>> f : again) {
        assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    } finally {
      channel.shutdownNow();
    }
  }

  private static GenerateRequest generateRequest(String question) {
    return GenerateRequest.newBuilder()
        .addMessages(ChatMessage.newBuilder().setRole("user").setContent(question))
        .build();
  }

  private HttpRequest chat(String key, String question) throws Exception {
    Map<String, Object> body =
        Map.of("messages", List.of(Map.of("role", "user", "content", question)));
    return HttpRequest.newBuilder(url.toURI().resolve("/v1/chat/completions"))
        .header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }

  private static final ObjectMapper JSON = new ObjectMapper();
}
