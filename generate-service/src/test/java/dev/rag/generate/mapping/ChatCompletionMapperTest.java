package dev.rag.generate.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.SourceRef;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatCompletionMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static ChatCompletionRequest body(String json) throws Exception {
    return JSON.readValue(json, ChatCompletionRequest.class);
  }

  private static final RetrievedPassage PASSAGE =
      new RetrievedPassage(
          "wiki", "d1", "Replication", "Intro", 3, "Each partition...", 0.75, 2, 4);

  private static final Answer ANSWER =
      new Answer(
          "Partitions are replicated [1].",
          List.of(new SourceRef(1, PASSAGE, true)),
          "stop",
          120,
          9);

  @Test
  void everyFieldOfABodyReachesTheChatRequest() throws Exception {
    ChatRequest request =
        ChatCompletionMapper.request(
            body(
                """
                {"model":"any","messages":[
                   {"role":"system","content":"Be brief."},
                   {"role":"user","content":[{"type":"text","text":"How are"},
                                             {"type":"image_url","image_url":{}},
                                             {"type":"text","text":"partitions replicated?"}]}],
                 "max_tokens":50,"temperature":0.2,"stop":["\\n\\n",""],"top_k":4,
                 "sources":["wiki"],"frequency_penalty":1}"""));

    assertThat(request.messages())
        .containsExactly(
            new ChatMessage("system", "Be brief."),
            new ChatMessage("user", "How are\npartitions replicated?"));
    assertThat(request.maxTokens()).isEqualTo(50);
    assertThat(request.temperature()).isEqualTo(0.2);
    assertThat(request.stop()).containsExactly("\n\n");
    assertThat(request.topK()).isEqualTo(4);
    assertThat(request.sources()).containsExactly("wiki");
  }

  @Test
  void missingFieldsMeanTheDefaults() throws Exception {
    ChatRequest request = ChatCompletionMapper.request(body("{}"));

    assertThat(request.messages()).isEmpty();
    assertThat(request.topK()).isZero();
    assertThat(request.sources()).isEmpty();
    assertThat(request.maxTokens()).isZero();
    assertThat(request.temperature()).isNull();
    assertThat(request.stop()).isEmpty();
  }

  @Test
  void maxCompletionTokensWinsOverMaxTokensAndRefusalsUseTheNameSent() throws Exception {
    ChatCompletionRequest both = body("{\"max_tokens\":10,\"max_completion_tokens\":20}");
    assertThat(ChatCompletionMapper.request(both).maxTokens()).isEqualTo(20);

    InvalidChatRequestException refused =
        new InvalidChatRequestException("max_tokens", "max_tokens must be between 1 and 2048");
    assertThat(ChatCompletionMapper.asSent(refused, both))
        .satisfies(e -> assertThat(e.field()).isEqualTo("max_completion_tokens"))
        .hasMessageContaining("max_completion_tokens must be between 1 and 2048");
    assertThat(ChatCompletionMapper.asSent(refused, body("{\"max_tokens\":5000}")))
        .isSameAs(refused);
  }

  @Test
  void stopIsAStringOrUpToFourStrings() throws Exception {
    assertThat(ChatCompletionMapper.stop(null)).isEmpty();
    assertThat(ChatCompletionMapper.stop(json("null"))).isEmpty();
    assertThat(ChatCompletionMapper.stop(json("\"\""))).isEmpty();
    assertThat(ChatCompletionMapper.stop(json("\"END\""))).containsExactly("END");
    assertThat(ChatCompletionMapper.stop(json("[\"a\",\"b\",\"c\",\"d\"]")))
        .containsExactly("a", "b", "c", "d");
    assertThatThrownBy(() -> ChatCompletionMapper.stop(json("[\"a\",\"b\",\"c\",\"d\",\"e\"]")))
        .isInstanceOfSatisfying(
            InvalidChatRequestException.class, e -> assertThat(e.field()).isEqualTo("stop"));
    assertThatThrownBy(() -> ChatCompletionMapper.stop(json("[1]")))
        .hasMessageContaining("must be strings");
    assertThatThrownBy(() -> ChatCompletionMapper.stop(json("{}")))
        .isInstanceOf(InvalidChatRequestException.class);
  }

  @Test
  void aMessageThatIsNotAnObjectOrHasOddContentIsRefusedByItsIndex() throws Exception {
    assertThatThrownBy(() -> ChatCompletionMapper.request(null))
        .isInstanceOfSatisfying(
            InvalidChatRequestException.class, e -> assertThat(e.field()).isEqualTo("messages"));
    assertThatThrownBy(
            () ->
                ChatCompletionMapper.messages(
                    Arrays.asList(
                        new ChatCompletionRequest.Message("user", json("\"q\""), null), null)))
        .isInstanceOfSatisfying(
            InvalidChatRequestException.class, e -> assertThat(e.field()).isEqualTo("messages[1]"));
    assertThatThrownBy(() -> ChatCompletionMapper.text(json("42"), 3))
        .isInstanceOfSatisfying(
            InvalidChatRequestException.class,
            e -> assertThat(e.field()).isEqualTo("messages[3].content"));
    assertThat(ChatCompletionMapper.text(null, 0)).isEmpty();
    assertThat(ChatCompletionMapper.text(json("[]"), 0)).isEmpty();
  }

  @Test
  void anAnswerBecomesOneCompletionWithItsUsageAndSources() {
    ChatCompletionResponse completion = ChatCompletionMapper.completion(ANSWER, "tiny");

    assertThat(completion.id()).matches("chatcmpl-[0-9a-f]{32}");
    assertThat(completion.object()).isEqualTo("chat.completion");
    assertThat(completion.created()).isPositive();
    assertThat(completion.model()).isEqualTo("tiny");
    assertThat(completion.choices()).hasSize(1);
    assertThat(completion.choices().get(0).index()).isZero();
    assertThat(completion.choices().get(0).message())
        .isEqualTo(
            new ChatCompletionResponse.AssistantMessage(
                "assistant", "Partitions are replicated [1]."));
    assertThat(completion.choices().get(0).finishReason()).isEqualTo("stop");
    assertThat(completion.usage()).isEqualTo(new ChatCompletionResponse.Usage(120, 9, 129));
    assertThat(completion.sources())
        .containsExactly(
            new ChatCompletionResponse.SourceView(
                1, "wiki", "d1", "Replication", "Intro", 3, "Each partition...", 0.75, true, 2, 4));
  }

  @Test
  void streamChunksCarryTheDeltaThenTheUsageAndSourcesLast() throws Exception {
    JsonNode role =
        json(ChatCompletionMapper.chunk("id1", 7, "tiny", Map.of("role", "assistant"), null));
    assertThat(role.path("id").asText()).isEqualTo("id1");
    assertThat(role.path("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(role.path("created").asLong()).isEqualTo(7);
    assertThat(role.path("model").asText()).isEqualTo("tiny");
    assertThat(role.path("choices").get(0).path("index").asInt()).isZero();
    assertThat(role.path("choices").get(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    assertThat(role.path("choices").get(0).path("finish_reason").isNull()).isTrue();

    JsonNode end = json(ChatCompletionMapper.chunk("id1", 7, "tiny", Map.of(), "length"));
    assertThat(end.path("choices").get(0).path("delta").isEmpty()).isTrue();
    assertThat(end.path("choices").get(0).path("finish_reason").asText()).isEqualTo("length");

    JsonNode last = json(ChatCompletionMapper.lastChunk("id1", 7, "tiny", ANSWER));
    assertThat(last.path("choices").isEmpty()).isTrue();
    assertThat(last.path("usage").path("prompt_tokens").asInt()).isEqualTo(120);
    assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(9);
    assertThat(last.path("usage").path("total_tokens").asInt()).isEqualTo(129);
    JsonNode source = last.path("sources").get(0);
    assertThat(source.path("number").asInt()).isEqualTo(1);
    assertThat(source.path("document_id").asText()).isEqualTo("d1");
    assertThat(source.path("chunk_index").asInt()).isEqualTo(3);
    assertThat(source.path("cited").asBoolean()).isTrue();
    assertThat(source.path("page_start").asInt()).isEqualTo(2);
    assertThat(source.path("page_end").asInt()).isEqualTo(4);
  }

  @Test
  void pagesAreLeftOutOfTheJsonForDocumentsWithoutPages() throws Exception {
    Answer unpaged =
        new Answer(
            "x",
            List.of(new SourceRef(1, new RetrievedPassage("s", "d", "t", "", 0, "x", 1), false)),
            "stop",
            1,
            1);
    JsonNode source = json(ChatCompletionMapper.lastChunk("i", 1, "m", unpaged)).path("sources");
    assertThat(source.get(0).has("page_start")).isFalse();
    assertThat(source.get(0).has("page_end")).isFalse();
    assertThat(source.get(0).path("cited").asBoolean()).isFalse();
  }
}
