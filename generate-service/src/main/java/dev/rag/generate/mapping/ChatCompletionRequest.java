package dev.rag.generate.mapping;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Body of {@code POST /v1/chat/completions}, in OpenAI's shape. Sampling knobs that do not change
 * what an answer says (penalties, logit bias, seed) are accepted and ignored; fields that would
 * change its shape and are not honoured ({@code tools}, {@code response_format}, {@code n} above 1)
 * are refused by {@link ChatCompletionMapper#request}, so an agent is not misled.
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
 * @param tools tool definitions; refused unless empty (no tool calls are made)
 * @param toolChoice refused unless {@code none} or {@code auto} without tools
 * @param functions the older name of {@code tools}; refused likewise
 * @param functionCall the older name of {@code tool_choice}; refused likewise
 * @param responseFormat refused unless {@code {"type": "text"}}
 * @param n choices per request; refused above 1
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
    List<String> sources,
    JsonNode tools,
    @JsonProperty("tool_choice") JsonNode toolChoice,
    JsonNode functions,
    @JsonProperty("function_call") JsonNode functionCall,
    @JsonProperty("response_format") JsonNode responseFormat,
    Integer n) {

  /** One message; {@code content} is a string or an array of {@code {type, text}} parts. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Message(String role, JsonNode content, String name) {}
}
