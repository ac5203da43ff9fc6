package dev.rag.generate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.google.rpc.BadRequest;
import dev.rag.generate.client.RetrieveClient;
import dev.rag.proto.v1.ChatMessage;
import dev.rag.proto.v1.Generate;
import dev.rag.proto.v1.GenerateRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What one chat request may cost: sources searched, answer length, time downstream. */
@QuarkusTest
class ChatLimitsTest {

  /** {@code generate.limits.max-sources}'s default. */
  static final int MAX_SOURCES = 16;

  /** {@code generate.limits.max-tokens}'s default. */
  static final int MAX_TOKENS = 4096;

  @GrpcClient("generate")
  Generate grpc;

  @Inject RetrieveClient retrieveClient;

  private static List<String> sources(int count) {
    return IntStream.range(0, count).mapToObj(i -> "source-" + i).toList();
  }

  private static Map<String, Object> ask(Map<String, Object> extra) {
    Map<String, Object> body =
        new HashMap<>(
            Map.of(
                "messages",
                List.of(
                    Map.of("role", "user", "content", "How are Kafka partitions replicated?"))));
    body.putAll(extra);
    return body;
  }

  @Test
  void refusesAChatNamingMoreSourcesThanAllowed() {
    given()
        .contentType("application/json")
        .body(ask(Map.of("sources", sources(MAX_SOURCES))))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200);
    given()
        .contentType("application/json")
        .body(ask(Map.of("sources", sources(MAX_SOURCES + 1))))
        .post("/v1/chat/completions")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"))
        .body("error.param", equalTo("sources"))
        .body("error.message", containsString(Integer.toString(MAX_SOURCES)));

    GenerateRequest tooMany =
        GenerateRequest.newBuilder()
            .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Kafka?"))
            .addAllSources(sources(MAX_SOURCES + 1))
            .build();
    assertThatThrownBy(
            () -> grpc.generate(tooMany).collect().asList().await().atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(fieldInError(e)).isEqualTo("sources");
            });
  }

  @Test
  void refusesAnAnswerLongerThanTheLimit() {
    given()
        .contentType("application/json")
        .body(ask(Map.of("max_tokens", MAX_TOKENS)))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200);
    for (String field : List.of("max_tokens", "max_completion_tokens")) {
      given()
          .contentType("application/json")
          .body(ask(Map.of(field, MAX_TOKENS + 1)))
          .post("/v1/chat/completions")
          .then()
          .statusCode(400)
          .body("error.type", equalTo("invalid_request_error"))
          .body("error.param", equalTo(field))
          .body("error.message", containsString(Integer.toString(MAX_TOKENS)));
    }
  }

  @Test
  void callsRetrievalWithADeadlineOnTheWire() {
    int before = RecordingRetrieveService.calls();
    retrieveClient.retrieve("default", "Kafka?", 5, List.of());
    assertThat(RecordingRetrieveService.calls()).isEqualTo(before + 1);
    // generate.retrieval.timeout's default: 15 s.
    assertThat(RecordingRetrieveService.lastRemainingMillis())
        .as("milliseconds left of the deadline the Retrieve call arrived with")
        .isNotNull()
        .isPositive()
        .isLessThanOrEqualTo(15_000L);
    retrieveClient.sources("default");
    assertThat(RecordingRetrieveService.lastRemainingMillis()).isNotNull().isPositive();
  }

  private static String fieldInError(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).as("a google.rpc.Status with details").isNotNull();
    try {
      return status.getDetails(0).unpack(BadRequest.class).getFieldViolations(0).getField();
    } catch (Exception ex) {
      throw new AssertionError("no BadRequest details in " + status, ex);
    }
  }
}
