package dev.rag.generate.grpc;

import dev.rag.auth.Callers;
import dev.rag.auth.GrpcErrors;
import dev.rag.auth.Roles;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ChatService;
import dev.rag.generate.Reply;
import dev.rag.generate.SourceRef;
import dev.rag.proto.v1.Generate;
import dev.rag.proto.v1.GenerateRequest;
import dev.rag.proto.v1.GenerateResponse;
import dev.rag.proto.v1.Source;
import dev.rag.proto.v1.SourceList;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import java.util.List;
import org.jboss.logging.Logger;

/** gRPC Generate: streams the answer text, then its sources, then why it ended. */
@GrpcService
public class GenerateGrpcService implements Generate {

  private static final Logger LOG = Logger.getLogger(GenerateGrpcService.class);

  private final ChatService chat;
  private final Callers callers;

  GenerateGrpcService(ChatService chat, Callers callers) {
    this.chat = chat;
    this.callers = callers;
  }

  @Override
  @Blocking
  public Multi<GenerateResponse> generate(GenerateRequest request) {
    Reply reply;
    try {
      callers.requireGrpc(Roles.QUERY);
      List<ChatMessage> messages =
          request.getMessagesList().stream()
              .map(m -> new ChatMessage(m.getRole(), m.getContent()))
              .toList();
      reply = chat.reply(new ChatRequest(messages, request.getTopK(), request.getSourcesList(), 0));
    } catch (RuntimeException e) {
      // INVALID_ARGUMENT with field details, UNAVAILABLE when retrieval cannot answer, INTERNAL
      // (logged) for anything unexpected.
      return Multi.createFrom().failure(GrpcErrors.toStatus(e, "Generate"));
    }
    // Text pieces as the answerer writes them, then the sources, then why it ended.
    Multi<GenerateResponse> text =
        Multi.createFrom()
            .<GenerateResponse>emitter(
                emitter -> {
                  try (reply) {
                    String piece;
                    while (!emitter.isCancelled() && (piece = reply.next()) != null) {
                      emitter.emit(GenerateResponse.newBuilder().setDelta(piece).build());
                    }
                    Answer answer = reply.answer();
                    emitter.emit(GenerateResponse.newBuilder().setSources(sources(answer)).build());
                    emitter.emit(
                        GenerateResponse.newBuilder()
                            .setFinishReason(answer.finishReason())
                            .build());
                    emitter.complete();
                  } catch (RuntimeException e) {
                    LOG.error("Generate failed midway", e);
                    emitter.fail(
                        Status.INTERNAL.withDescription("internal error").asRuntimeException());
                  }
                })
            // The text may come from a model that writes slowly: never wait on an event loop.
            .runSubscriptionOn(
                io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool());
    return text;
  }

  private static SourceList sources(Answer answer) {
    SourceList.Builder sources = SourceList.newBuilder();
    for (SourceRef ref : answer.sources()) {
      var p = ref.passage();
      sources.addSources(
          Source.newBuilder()
              .setNumber(ref.number())
              .setSource(p.source())
              .setDocumentId(p.documentId())
              .setTitle(p.title())
              .setChunkIndex(p.chunkIndex())
              .setText(p.text())
              .setScore(p.score())
              .setPageStart(p.pageStart())
              .setPageEnd(p.pageEnd()));
    }
    return sources.build();
  }
}
