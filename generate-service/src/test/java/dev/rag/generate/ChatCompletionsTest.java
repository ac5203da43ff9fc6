package dev.rag.generate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.rag.proto.v1.ChatMessage;
import dev.rag.proto.v1.Generate;
import dev.rag.proto.v1.GenerateRequest;
import dev.rag.proto.v1.GenerateResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ChatCompletionsTest {

  @TestHTTPResource("/")
  URL url;

  @GrpcClient("generate")
  Generate grpc;

  private static Map<String, Object> ask(String question) {
    return Map.of(
        "model", "anything", "messages", List.of(Map.of("role", "user", "content", question)));
  }

  @Test
  void saysPlainlyWhenTheDocumentsDoNotAnswerAndMarksItAbstained() {
    given()
        .contentType("application/json")
        .body(ask("Which xylophone did the zebra orchestra tune?"))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("abstained", equalTo(true))
        .body("choices[0].message.content", equalTo(ExtractiveSynthesizer.NOT_ANSWERED))
        .body("sources.cited", everyItem(equalTo(false)))
        .body("sources", not(empty()));
    given()
        .contentType("application/json")
        .body(ask("How are Kafka partitions replicated?"))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("abstained", equalTo(false));
    // A few words in common, and the best passage's vector is far from the question's (0.41,
    // below the model's 0.70): no quote from it. A similarity of a model without a threshold does
    // not count.
    given()
        .contentType("application/json")
        .body(ask("Are Kafka partitions replicated in faraway places?"))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("abstained", equalTo(true))
        .body("choices[0].message.content", equalTo(ExtractiveSynthesizer.NOT_ANSWERED))
        .body("sources.document_id", equalTo(List.of("faraway-notes", "unknown-model")));
    // Far in meaning, but one sentence holds every term of a short question: that answers it.
    given()
        .contentType("application/json")
        .body(ask("What do harbour pilots read?"))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("abstained", equalTo(false))
        .body("choices[0].message.content", startsWith("Harbour pilots read tide tables"));
  }

  @Test
  void readsADocumentsPassagesInOrderAndSaysWhenThereIsNone() {
    given()
        .get("/v1/sources/docs/documents/kafka-notes/passages")
        .then()
        .statusCode(200)
        .body("title", equalTo("Kafka notes"))
        .body("data[0].chunk", equalTo(0))
        .body("data[0].section", equalTo("Storage"))
        .body("data[0].text", startsWith("Kafka stores records in partitions."));
    given()
        .get("/v1/sources/docs/documents/missing/passages")
        .then()
        .statusCode(404)
        .body("error.param", equalTo("id"))
        .body("error.message", equalTo("no indexed document 'missing' in source 'docs'"));
  }

  @Test
  void answersInOpenAisShapeWithCitedSources() {
    given()
        .contentType("application/json")
        .body(ask("How are Kafka partitions replicated?"))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body("object", equalTo("chat.completion"))
        .body("id", startsWith("chatcmpl-"))
        .body("model", equalTo("rag-extractive"))
        .body("choices[0].index", equalTo(0))
        .body("choices[0].message.role", equalTo("assistant"))
        .body(
            "choices[0].message.content",
            containsString("Partitions are replicated across brokers [1]."))
        .body("choices[0].finish_reason", equalTo("stop"))
        .body("usage.total_tokens", greaterThan(0))
        .body("sources[0].number", equalTo(1))
        .body("sources[0].document_id", equalTo("kafka-notes"))
        .body("sources[0].cited", equalTo(true));
  }

  @Test
  void readsContentGivenAsTextPartsAndAnswersTheLastUserMessage() {
    Map<String, Object> body =
        Map.of(
            "messages",
            List.of(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Tell me about roses"),
                Map.of("role", "assistant", "content", "Roses need sun [1]."),
                Map.of(
                    "role",
                    "user",
                    "content",
                    List.of(Map.of("type", "text", "text", "Where are Kafka records stored?")))),
            "stream_options",
            Map.of("include_usage", true),
            "presence_penalty",
            0);
    given()
        .contentType("application/json")
        .body(body)
        .post("/v1/chat/completions")
        .then()
        .statusCode(200)
        .body(
            "choices[0].message.content",
            containsString("Kafka stores records in partitions [1]."));
  }

  @Test
  void streamsTheAnswerAsServerSentEventsEndingWithItsSources() throws Exception {
    Map<String, Object> question =
        Map.of(
            "messages",
            List.of(Map.of("role", "user", "content", "Where are Kafka records stored?")));
    String whole =
        given()
            .contentType("application/json")
            .body(question)
            .post("/v1/chat/completions")
            .then()
            .extract()
            .path("choices[0].message.content");

    Map<String, Object> streamed = new HashMap<>(question);
    streamed.put("stream", true);
    var response =
        given().contentType("application/json").body(streamed).post("/v1/chat/completions");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/event-stream");
    List<String> events =
        response
            .asString()
            .lines()
            .filter(l -> l.startsWith("data: "))
            .map(l -> l.substring(6))
            .toList();
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    var json = new ObjectMapper();
    StringBuilder text = new StringBuilder();
    String finish = null;
    for (String e : events.subList(0, events.size() - 2)) {
      var chunk = json.readTree(e);
      assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
      text.append(chunk.at("/choices/0/delta/content").asText(""));
      if (!chunk.at("/choices/0/finish_reason").isNull()) {
        finish = chunk.at("/choices/0/finish_reason").asText();
      }
    }
    assertThat(events.size()).isGreaterThan(5);
    assertThat(text.toString()).isEqualTo(whole);
    assertThat(finish).isEqualTo("stop");
    var last = json.readTree(events.get(events.size() - 2));
    assertThat(last.path("choices")).isEmpty();
    assertThat(last.at("/sources/0/document_id").asText()).isEqualTo("kafka-notes");
    assertThat(last.at("/usage/completion_tokens").asInt()).isPositive();
  }

  @Test
  void answersARealOpenAiClientStreamingAndNot() throws Exception {
    String base = url.toString().replaceAll("/+$", "") + "/v1";
    var blocking =
        OpenAiChatModel.builder()
            .baseUrl(base)
            .apiKey("not-needed")
            .modelName("rag-extractive")
            .build();
    String answer = blocking.chat("Where are Kafka records stored?");
    assertThat(answer).contains("Kafka stores records in partitions [1].");

    var streaming =
        OpenAiStreamingChatModel.builder()
            .baseUrl(base)
            .apiKey("not-needed")
            .modelName("rag-extractive")
            .build();
    List<String> partials = new CopyOnWriteArrayList<>();
    var done = new CompletableFuture<ChatResponse>();
    streaming.chat(
        "Where are Kafka records stored?",
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String partial) {
            partials.add(partial);
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    var complete = done.get(30, TimeUnit.SECONDS);
    assertThat(partials.size()).isGreaterThan(3);
    assertThat(String.join("", partials)).isEqualTo(answer);
    assertThat(complete.aiMessage().text()).isEqualTo(answer);
    assertThat(complete.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void exposesTheCountOfRemovedCitationsAsAMetric() {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("rag_citations_removed_total"));
  }

  @Test
  void listsItsModel() {
    given()
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("object", equalTo("list"))
        .body("data[0].id", equalTo("rag-extractive"));
  }

  @Test
  void reportsErrorsInOpenAisShape() {
    given()
        .contentType("application/json")
        .body(Map.of("messages", List.of()))
        .post("/v1/chat/completions")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"))
        .body("error.param", equalTo("messages"));
    given()
        .contentType("application/json")
        .body("{\"messages\": [")
        .post("/v1/chat/completions")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"));
    given()
        .contentType("application/json")
        .body(Map.of("messages", List.of(Map.of("role", "wizard", "content", "x"))))
        .post("/v1/chat/completions")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("messages[0].role"));
    given()
        .contentType("application/json")
        .body(ask("is there an outage?"))
        .post("/v1/chat/completions")
        .then()
        .statusCode(503)
        .body("error.type", equalTo("server_error"));
  }

  @Test
  void refusesToolsAndFormatsItDoesNotHonourNamingTheField() {
    var tool =
        Map.of(
            "type",
            "function",
            "function",
            Map.of("name", "lookup", "parameters", Map.of("type", "object")));
    Map<String, Object> unhonoured =
        Map.of(
            "tools", List.of(tool),
            "functions", List.of(tool.get("function")),
            "tool_choice", "required",
            "function_call", Map.of("name", "lookup"),
            "response_format", Map.of("type", "json_object"),
            "n", 2);
    for (var field : unhonoured.entrySet()) {
      var body = new java.util.HashMap<String, Object>(ask("Where are Kafka records stored?"));
      body.put(field.getKey(), field.getValue());
      given()
          .contentType("application/json")
          .body(body)
          .post("/v1/chat/completions")
          .then()
          .statusCode(400)
          .body("error.type", equalTo("invalid_request_error"))
          .body("error.param", equalTo(field.getKey()));
    }
    // What clients send by default still answers.
    var defaults = new java.util.HashMap<String, Object>(ask("Where are Kafka records stored?"));
    defaults.putAll(
        Map.of(
            "tools",
            List.of(),
            "tool_choice",
            "none",
            "response_format",
            Map.of("type", "text"),
            "n",
            1));
    given()
        .contentType("application/json")
        .body(defaults)
        .post("/v1/chat/completions")
        .then()
        .statusCode(200);
  }

  @Test
  void servesTheChatPage() {
    given().get("/").then().statusCode(200).body(containsString("Ask your documents"));
  }

  @Test
  void streamsTheAnswerThenItsSourcesOverGrpc() {
    List<GenerateResponse> events =
        grpc.generate(
                GenerateRequest.newBuilder()
                    .addMessages(
                        ChatMessage.newBuilder()
                            .setRole("user")
                            .setContent("How are Kafka partitions replicated?"))
                    .build())
            .collect()
            .asList()
            .await()
            .atMost(Duration.ofSeconds(30));

    String text =
        events.stream()
            .filter(GenerateResponse::hasDelta)
            .map(GenerateResponse::getDelta)
            .collect(Collectors.joining());
    assertThat(text).contains("Partitions are replicated across brokers [1].");
    assertThat(events.stream().filter(GenerateResponse::hasDelta).count()).isGreaterThan(3);
    GenerateResponse sources = events.get(events.size() - 2);
    assertThat(sources.getSources().getSources(0).getDocumentId()).isEqualTo("kafka-notes");
    assertThat(events.get(events.size() - 1).getFinishReason()).isEqualTo("stop");

    assertThatThrownBy(
            () ->
                grpc.generate(GenerateRequest.getDefaultInstance())
                    .collect()
                    .asList()
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }
}
