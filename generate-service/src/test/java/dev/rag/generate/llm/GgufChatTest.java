package dev.rag.generate.llm;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chat API answering with a GGUF model run in-process (a tiny random-weight one). */
@QuarkusTest
@TestProfile(GgufChatTest.WithGguf.class)
class GgufChatTest {

  /** Writes the model and points the service at it. */
  public static class WithGguf implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path file = Files.createTempDirectory("gguf-test").resolve("tiny.gguf");
        TinyGguf.write(file, 7);
        file.toFile().deleteOnExit();
        file.getParent().toFile().deleteOnExit();
        return Map.of(
            "generate.llm.provider", "gguf",
            "generate.llm.model-path", file.toString(),
            "generate.llm.model", "tiny-gguf",
            "generate.llm.context-size", "256",
            "generate.llm.threads", "1",
            // A random model rewriting follow-ups would only add noise.
            "generate.llm.rewrite-follow-ups", "false");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void streamsTheLocalModelsAnswerUpToMaxTokens() {
    String body =
        given()
            .contentType("application/json")
            .body(
                Map.of(
                    "stream",
                    true,
                    "max_tokens",
                    9,
                    "messages",
                    List.of(
                        Map.of("role", "user", "content", "How are Kafka partitions replicated?"))))
            .post("/v1/chat/completions")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    long contentChunks =
        body.lines()
            .filter(l -> l.contains("\"content\":\"") && !l.contains("\"content\":\"\""))
            .count();
    assertThat(contentChunks).isGreaterThan(1);
    assertThat(body).contains("\"model\":\"tiny-gguf\"").contains("\"finish_reason\":\"length\"");
    assertThat(body).contains("\"completion_tokens\":9");
    assertThat(body.strip()).endsWith("data: [DONE]");

    given()
        .contentType("application/json")
        .body(
            Map.of(
                "max_tokens",
                5,
                "messages",
                List.of(Map.of("role", "user", "content", "How are Kafka partitions replicated?"))))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("model", equalTo("tiny-gguf"))
        .body("choices[0].finish_reason", equalTo("length"))
        .body("usage.completion_tokens", equalTo(5));
  }
}
