package dev.rag.generate.mapping;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Body of {@code POST /v1/chat/completions}, in OpenAI's shape. Fields clients commonly send but
 * that do not apply here (penalties, tools, logit bias) are accepted and ignored.
 *
 * @param model model name; any value is accepted, the response says which answered
 * @param messages the conversation; {@code content} is a string or a list of text parts
 * @param stream whether to stream server-sent events
 * @param maxTokens most answer tokens
 * @param maxCompletionTokens newer name of {@code max_tokens}
 * @param temperature accepted for compatibility
 * @param stop accepted for compatibility
 * @param user accepted for compatibility
 * @param topK extension: passages to retrieve
 * @param sources extension: sources to search
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(
    String model,
    List<Message> messages,
    Boolean stream,
    @JsonProperty("max_tokens") Integer maxTokens,
    @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
    Double temperature,
    JsonNode stop,
    String user,
    @JsonProperty("top_k") Integer topK,
    List<String> sources) {

  /** One message; {@code content} is a string or an array of {@code {type, text}} parts. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Message(String role, JsonNode content, String name) {}
}
