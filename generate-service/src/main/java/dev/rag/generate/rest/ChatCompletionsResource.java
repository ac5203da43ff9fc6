package dev.rag.generate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ChatService;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.SourceRef;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** OpenAI-compatible chat completions over the tenant's documents. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class ChatCompletionsResource {

  private final ChatService chat;

  ChatCompletionsResource(ChatService chat) {
    this.chat = chat;
  }

  /** Answers the conversation's last user message, citing the retrieved passages. */
  @POST
  @Path("/chat/completions")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  public ChatCompletionResponse complete(ChatCompletionRequest request) {
    if (request == null) {
      throw new InvalidChatRequestException("messages", "a JSON body with messages is required");
    }
    if (Boolean.TRUE.equals(request.stream())) {
      throw new InvalidChatRequestException(
          "stream", "streaming responses are not available yet; send stream: false");
    }
    int maxTokens =
        request.maxCompletionTokens() != null
            ? request.maxCompletionTokens()
            : request.maxTokens() == null ? 0 : request.maxTokens();
    Answer answer =
        chat.chat(
            new ChatRequest(
                messages(request.messages()),
                request.topK() == null ? 0 : request.topK(),
                request.sources() == null ? List.of() : request.sources(),
                maxTokens));
    return new ChatCompletionResponse(
        "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
        "chat.completion",
        System.currentTimeMillis() / 1000,
        chat.modelName(),
        List.of(
            new ChatCompletionResponse.Choice(
                0,
                new ChatCompletionResponse.AssistantMessage("assistant", answer.text()),
                answer.finishReason())),
        new ChatCompletionResponse.Usage(
            answer.promptTokens(),
            answer.completionTokens(),
            answer.promptTokens() + answer.completionTokens()),
        answer.sources().stream().map(ChatCompletionsResource::view).toList());
  }

  /** The models this server answers with. */
  @GET
  @Path("/models")
  public Map<String, Object> models() {
    return Map.of(
        "object",
        "list",
        "data",
        List.of(
            Map.of("id", chat.modelName(), "object", "model", "created", 0L, "owned_by", "rag")));
  }

  private static ChatCompletionResponse.SourceView view(SourceRef ref) {
    var p = ref.passage();
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

  private static List<ChatMessage> messages(List<ChatCompletionRequest.Message> raw) {
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

  /** A message's text: a string, or the text parts of a content array joined. */
  private static String text(JsonNode content, int index) {
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
}
