package dev.rag.generate.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.SourceRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * OpenAI chat completions (JSON and server-sent events) to and from the domain: a request's
 * messages, limits and stop sequences to a {@link ChatRequest}; an {@link Answer} to a {@code
 * chat.completion}, or to the {@code chat.completion.chunk} events of a stream.
 */
public final class ChatCompletionMapper {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ChatCompletionMapper() {}

  /**
   * The chat request a body asks for.
   *
   * @throws InvalidChatRequestException when there is no body, a message is not an object, a
   *     content or a stop is of the wrong shape, or the request asks for what is not honoured
   *     (tools, a response format, several choices)
   */
  public static ChatRequest request(ChatCompletionRequest request) {
    if (request == null) {
      throw new InvalidChatRequestException("messages", "a JSON body with messages is required");
    }
    refuseUnhonoured(request);
    int maxTokens =
        request.maxCompletionTokens() != null
            ? request.maxCompletionTokens()
            : request.maxTokens() == null ? 0 : request.maxTokens();
    return new ChatRequest(
        messages(request.messages()),
        request.topK() == null ? 0 : request.topK(),
        request.sources() == null ? List.of() : request.sources(),
        maxTokens,
        request.temperature(),
        stop(request.stop()));
  }

  /**
   * A refusal as the client spelled the field: a client that sent {@code max_completion_tokens}
   * hears about {@code max_completion_tokens}, not {@code max_tokens}.
   */
  public static InvalidChatRequestException asSent(
      InvalidChatRequestException e, ChatCompletionRequest request) {
    if ("max_tokens".equals(e.field()) && request.maxCompletionTokens() != null) {
      return new InvalidChatRequestException(
          "max_completion_tokens", e.getMessage().replace("max_tokens", "max_completion_tokens"));
    }
    return e;
  }

  /**
   * Refuses what would change the answer's shape if honoured: an agent that sends tools expects
   * tool calls and one that asks for JSON expects JSON; answering plain cited text instead would
   * mislead it. Empty or default values pass, as many clients send them always.
   */
  static void refuseUnhonoured(ChatCompletionRequest request) {
    if (present(request.tools())) {
      throw new InvalidChatRequestException(
          "tools", "tools are not supported: answers are cited text, never tool calls");
    }
    if (present(request.functions())) {
      throw new InvalidChatRequestException(
          "functions", "functions are not supported: answers are cited text, never function calls");
    }
    if (!defaultChoice(request.toolChoice())) {
      throw new InvalidChatRequestException(
          "tool_choice", "tool_choice must be none or auto: no tools are supported");
    }
    if (!defaultChoice(request.functionCall())) {
      throw new InvalidChatRequestException(
          "function_call", "function_call must be none or auto: no functions are supported");
    }
    JsonNode format = request.responseFormat();
    if (format != null
        && !format.isNull()
        && !(format.isObject() && "text".equals(format.path("type").asText()))) {
      throw new InvalidChatRequestException(
          "response_format",
          "only response_format {\"type\": \"text\"} is supported: answers are cited text");
    }
    if (request.n() != null && request.n() != 1) {
      throw new InvalidChatRequestException("n", "n must be 1: one answer per request");
    }
  }

  /** A value that asks for something: not absent, null, or an empty array or object. */
  private static boolean present(JsonNode value) {
    return value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty());
  }

  /** An absent choice, or {@code "none"}/{@code "auto"}: with no tools, both mean no tool call. */
  private static boolean defaultChoice(JsonNode choice) {
    return choice == null
        || choice.isNull()
        || (choice.isTextual()
            && ("none".equals(choice.asText()) || "auto".equals(choice.asText())));
  }

  /** {@code stop}: a string or a list of up to four strings; empty strings are dropped. */
  static List<String> stop(JsonNode stop) {
    if (stop == null || stop.isNull()) {
      return List.of();
    }
    if (stop.isTextual()) {
      return stop.asText().isEmpty() ? List.of() : List.of(stop.asText());
    }
    if (stop.isArray() && stop.size() <= 4) {
      List<String> sequences = new ArrayList<>();
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw new InvalidChatRequestException("stop", "stop sequences must be strings");
        }
        if (!s.asText().isEmpty()) {
          sequences.add(s.asText());
        }
      }
      return sequences;
    }
    throw new InvalidChatRequestException("stop", "stop must be a string or up to 4 strings");
  }

  static List<ChatMessage> messages(List<ChatCompletionRequest.Message> raw) {
    if (raw == null) {
      return List.of();
    }
    List<ChatMessage> messages = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      ChatCompletionRequest.Message m = raw.get(i);
      if (m == null) {
        throw new InvalidChatRequestException("messages[" + i + "]", "message must be an object");
      }
      messages.add(new ChatMessage(m.role(), text(m.content(), i)));
    }
    return messages;
  }

  /** A message's text: a string, or the text parts of a content array joined by newlines. */
  static String text(JsonNode content, int index) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
          if (!text.isEmpty()) {
            text.append('\n');
          }
          text.append(part.path("text").asText());
        }
      }
      return text.toString();
    }
    throw new InvalidChatRequestException(
        "messages[" + index + "].content", "content must be a string or a list of text parts");
  }

  /** A new completion id, {@code chatcmpl-} and 32 hex digits. */
  public static String completionId() {
    return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
  }

  /** The whole answer as one {@code chat.completion}, its sources numbered as cited. */
  public static ChatCompletionResponse completion(Answer answer, String model) {
    return new ChatCompletionResponse(
        completionId(),
        "chat.completion",
        System.currentTimeMillis() / 1000,
        model,
        List.of(
            new ChatCompletionResponse.Choice(
                0,
                new ChatCompletionResponse.AssistantMessage("assistant", answer.text()),
                answer.finishReason())),
        usage(answer),
        answer.sources().stream().map(ChatCompletionMapper::source).toList(),
        answer.abstained(),
        unsupported(answer));
  }

  static List<ChatCompletionResponse.UnsupportedClaimView> unsupported(Answer answer) {
    return answer.unsupported().stream()
        .map(
            u ->
                new ChatCompletionResponse.UnsupportedClaimView(
                    u.sentence(),
                    u.citations(),
                    Math.round(u.support() * 1000) / 1000.0,
                    u.reason(),
                    u.supportedBy() == 0 ? null : u.supportedBy()))
        .toList();
  }

  static ChatCompletionResponse.Usage usage(Answer answer) {
    return new ChatCompletionResponse.Usage(
        answer.promptTokens(),
        answer.completionTokens(),
        answer.promptTokens() + answer.completionTokens());
  }

  static ChatCompletionResponse.SourceView source(SourceRef ref) {
    RetrievedPassage p = ref.passage();
    return new ChatCompletionResponse.SourceView(
        ref.number(),
        p.source(),
        p.documentId(),
        p.title(),
        p.section(),
        p.chunkIndex(),
        p.text(),
        p.score(),
        ref.cited(),
        p.pageStart(),
        p.pageEnd());
  }

  /**
   * One {@code chat.completion.chunk} of a stream, as the JSON of its {@code data:} line.
   *
   * @param delta what the chunk adds: the role, a piece of content, or nothing
   * @param finishReason why the answer ended, on the chunk after the last piece; else null
   */
  public static String chunk(
      String id, long created, String model, Map<String, String> delta, String finishReason) {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", finishReason);
    Map<String, Object> chunk = new LinkedHashMap<>();
    chunk.put("id", id);
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", created);
    chunk.put("model", model);
    chunk.put("choices", List.of(choice));
    return json(chunk);
  }

  /**
   * The stream's last chunk: no choices, the usage, the numbered sources, whether the answer
   * abstained, and the cited sentences its sources do not support.
   */
  public static String lastChunk(String id, long created, String model, Answer answer) {
    Map<String, Object> last = new LinkedHashMap<>();
    last.put("id", id);
    last.put("object", "chat.completion.chunk");
    last.put("created", created);
    last.put("model", model);
    last.put("choices", List.of());
    last.put("usage", usage(answer));
    last.put("sources", answer.sources().stream().map(ChatCompletionMapper::source).toList());
    last.put("abstained", answer.abstained());
    last.put("unsupported_claims", unsupported(answer));
    return json(last);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
