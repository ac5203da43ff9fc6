package dev.rag.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.util.List;

/**
 * A chat client as users run it: the official OpenAI Java SDK against the chat door, with the
 * retries it makes by default (a connection error, 408, 409, 429 or 5xx is sent again, twice, with
 * a growing pause).
 */
final class SdkChat implements AutoCloseable {

  private final OpenAIClient client;

  SdkChat(String baseUrl, String key) {
    this.client =
        OpenAIOkHttpClient.builder()
            .baseUrl(baseUrl + "/v1")
            .apiKey(key)
            .timeout(Duration.ofSeconds(60))
            .build();
  }

  /** Asks one question; throws what the SDK throws once its retries are spent. */
  ChatCompletion ask(String question) {
    return client
        .chat()
        .completions()
        .create(ChatCompletionCreateParams.builder().model("rag").addUserMessage(question).build());
  }

  /** The documents the answer cites, read from the completion's {@code sources}. */
  static List<String> cited(ChatCompletion completion) {
    JsonValue sources = completion._additionalProperties().get("sources");
    JsonNode node = sources == null ? null : sources.convert(JsonNode.class);
    return JsonHttp.cited(JsonNodeFactory.instance.objectNode().set("sources", node));
  }

  @Override
  public void close() {
    client.close();
  }
}
