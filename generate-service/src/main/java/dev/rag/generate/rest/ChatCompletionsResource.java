package dev.rag.generate.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ChatService;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.Reply;
import dev.rag.generate.SourceRef;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** OpenAI-compatible chat completions over the tenant's documents. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@jakarta.annotation.security.RolesAllowed(dev.rag.auth.Roles.QUERY)
public class ChatCompletionsResource {

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final ChatService chat;

  ChatCompletionsResource(ChatService chat) {
    this.chat = chat;
  }

  /**
   * Answers the conversation's last user message, citing the retrieved passages: one JSON
   * completion, or with {@code stream: true} server-sent events of {@code chat.completion.chunk}
   * objects (role, then the text piece by piece, then the finish reason), a last chunk with no
   * choices carrying the sources and the usage, and {@code data: [DONE]}.
   */
  @POST
  @Path("/chat/completions")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
  @Blocking
  public Response complete(ChatCompletionRequest request) {
    if (request == null) {
      throw new InvalidChatRequestException("messages", "a JSON body with messages is required");
    }
    ChatRequest chatRequest = chatRequest(request);
    if (!Boolean.TRUE.equals(request.stream())) {
      Answer answer;
      String model;
      try (Reply reply = reply(request, chatRequest)) {
        answer = reply.drain();
        model = reply.model();
      }
      return Response.ok(completion(answer, model), MediaType.APPLICATION_JSON).build();
    }
    // Retrieval and the model's first piece happen before the response starts, so failures
    // there still get a proper status; the rest streams as the model writes it.
    Reply reply = reply(request, chatRequest);
    StreamingOutput events =
        out -> {
          try (reply) {
            String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
            long created = System.currentTimeMillis() / 1000;
            String model = reply.model();
            send(out, chunk(id, created, model, Map.of("role", "assistant", "content", ""), null));
            String piece;
            while ((piece = reply.next()) != null) {
              send(out, chunk(id, created, model, Map.of("content", piece), null));
            }
            Answer answer = reply.answer();
            send(out, chunk(id, created, model, Map.of(), answer.finishReason()));
            ChatCompletionResponse completion = completion(answer, model);
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("id", id);
            last.put("object", "chat.completion.chunk");
            last.put("created", created);
            last.put("model", model);
            last.put("choices", List.of());
            last.put("usage", completion.usage());
            last.put("sources", completion.sources());
            send(out, JSON.writeValueAsString(last));
            send(out, "[DONE]");
          }
        };
    return Response.ok(events)
        .type(MediaType.SERVER_SENT_EVENTS)
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no")
        .build();
  }

  /** Starts the reply; an error about the answer's length names the field the client used. */
  private Reply reply(ChatCompletionRequest request, ChatRequest chatRequest) {
    try {
      return chat.reply(chatRequest);
    } catch (InvalidChatRequestException e) {
      if ("max_tokens".equals(e.field()) && request.maxCompletionTokens() != null) {
        throw new InvalidChatRequestException(
            "max_completion_tokens", e.getMessage().replace("max_tokens", "max_completion_tokens"));
      }
      throw e;
    }
  }

  private static String chunk(
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
    try {
      return JSON.writeValueAsString(chunk);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static ChatRequest chatRequest(ChatCompletionRequest request) {
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

  /** {@code stop}: a string or a list of up to four strings. */
  private static List<String> stop(JsonNode stop) {
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

  private static ChatCompletionResponse completion(Answer answer, String model) {
    return new ChatCompletionResponse(
        "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
        "chat.completion",
        System.currentTimeMillis() / 1000,
        model,
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
