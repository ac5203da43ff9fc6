package dev.rag.generate.rest;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ChatService;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.Reply;
import dev.rag.generate.mapping.ChatCompletionMapper;
import dev.rag.generate.mapping.ChatCompletionRequest;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
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
import java.util.List;
import java.util.Map;

/** OpenAI-compatible chat completions over the caller's tenant's documents. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class ChatCompletionsResource {

  private final ChatService chat;
  private final Callers callers;

  ChatCompletionsResource(ChatService chat, Callers callers) {
    this.chat = chat;
    this.callers = callers;
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
    ChatRequest chatRequest = ChatCompletionMapper.request(request);
    String tenant = callers.tenant();
    if (!Boolean.TRUE.equals(request.stream())) {
      Answer answer;
      String model;
      try (Reply reply = reply(tenant, request, chatRequest)) {
        answer = reply.drain();
        model = reply.model();
      }
      return Response.ok(ChatCompletionMapper.completion(answer, model), MediaType.APPLICATION_JSON)
          .build();
    }
    // Retrieval and the model's first piece happen before the response starts, so failures
    // there still get a proper status; the rest streams as the model writes it.
    Reply reply = reply(tenant, request, chatRequest);
    StreamingOutput events =
        out -> {
          try (reply) {
            String id = ChatCompletionMapper.completionId();
            long created = System.currentTimeMillis() / 1000;
            String model = reply.model();
            send(
                out,
                ChatCompletionMapper.chunk(
                    id, created, model, Map.of("role", "assistant", "content", ""), null));
            String piece;
            while ((piece = reply.next()) != null) {
              send(
                  out,
                  ChatCompletionMapper.chunk(id, created, model, Map.of("content", piece), null));
            }
            Answer answer = reply.answer();
            send(
                out,
                ChatCompletionMapper.chunk(id, created, model, Map.of(), answer.finishReason()));
            send(out, ChatCompletionMapper.lastChunk(id, created, model, answer));
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
  private Reply reply(String tenant, ChatCompletionRequest request, ChatRequest chatRequest) {
    try {
      return chat.reply(tenant, chatRequest);
    } catch (InvalidChatRequestException e) {
      throw ChatCompletionMapper.asSent(e, request);
    }
  }

  private static void send(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
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
}
