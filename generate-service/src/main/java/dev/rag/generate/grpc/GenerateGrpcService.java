package dev.rag.generate.grpc;

import dev.rag.auth.Callers;
import dev.rag.auth.GrpcErrors;
import dev.rag.auth.Roles;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatService;
import dev.rag.generate.Reply;
import dev.rag.generate.mapping.GenerateMapper;
import dev.rag.proto.v1.Generate;
import dev.rag.proto.v1.GenerateRequest;
import dev.rag.proto.v1.GenerateResponse;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.RolesAllowed;
import org.jboss.logging.Logger;

/**
 * gRPC Generate, for keys with the query role, over the caller's tenant's documents: streams the
 * answer text, then its sources, then why it ended.
 */
@GrpcService
@RolesAllowed(Roles.QUERY)
public class GenerateGrpcService implements Generate {

  private static final Logger LOG = Logger.getLogger(GenerateGrpcService.class);

  private final ChatService chat;
  private final Callers callers;

  GenerateGrpcService(ChatService chat, Callers callers) {
    this.chat = chat;
    this.callers = callers;
  }

  /** The answer as it is written, then its sources, then its finish reason. */
  @Override
  @Blocking
  public Multi<GenerateResponse> generate(GenerateRequest request) {
    Reply reply;
    try {
      reply = chat.reply(callers.tenant(), GenerateMapper.request(request));
    } catch (RuntimeException e) {
      // INVALID_ARGUMENT with field details, UNAVAILABLE when retrieval cannot answer, INTERNAL
      // (logged) for anything unexpected.
      return Multi.createFrom().failure(GrpcErrors.toStatus(e, "Generate"));
    }
    return Multi.createFrom()
        .<GenerateResponse>emitter(
            emitter -> {
              try (reply) {
                String piece;
                while (!emitter.isCancelled() && (piece = reply.next()) != null) {
                  emitter.emit(GenerateMapper.delta(piece));
                }
                Answer answer = reply.answer();
                emitter.emit(GenerateMapper.sources(answer));
                emitter.emit(GenerateMapper.finish(answer));
                emitter.complete();
              } catch (RuntimeException e) {
                LOG.error("Generate failed midway", e);
                emitter.fail(
                    Status.INTERNAL.withDescription("internal error").asRuntimeException());
              }
            })
        // The text may come from a model that writes slowly: never wait on an event loop.
        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
  }
}
