package dev.rag.embed.grpc;

import dev.rag.auth.CallDeadlines;
import dev.rag.auth.GrpcErrors;
import dev.rag.auth.Roles;
import dev.rag.embed.EmbeddingService;
import dev.rag.embed.mapping.EmbedMapper;
import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoRequest;
import dev.rag.proto.v1.InfoResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;

/**
 * gRPC Embed: proto to domain and back, for keys with the query role. Inference is CPU work, so it
 * runs off the event loop.
 */
@GrpcService
@RolesAllowed(Roles.QUERY)
public class EmbedGrpcService implements Embed {

  private final EmbeddingService embeddings;

  EmbedGrpcService(EmbeddingService embeddings) {
    this.embeddings = embeddings;
  }

  /** The model this service embeds with, its dimension and device. */
  @Override
  @Blocking
  public Uni<InfoResponse> info(InfoRequest request) {
    return Uni.createFrom()
        .item(EmbedMapper.info(embeddings.modelId(), embeddings.dimension(), embeddings.device()));
  }

  /** One vector per text, in order; INVALID_ARGUMENT (naming the text) over the limits. */
  @Override
  @Blocking
  public Uni<EmbedResponse> embed(EmbedRequest request) {
    try {
      if (CallDeadlines.abandoned()) {
        // Queued behind other inference until its caller gave up: nothing to compute.
        return Uni.createFrom().failure(CallDeadlines.abandonedStatus().asRuntimeException());
      }
      List<float[]> vectors =
          embeddings.embedForRequest(request.getTextsList(), EmbedMapper.kind(request.getKind()));
      return Uni.createFrom()
          .item(EmbedMapper.response(embeddings.modelId(), embeddings.dimension(), vectors));
    } catch (RuntimeException e) {
      // Field details on INVALID_ARGUMENT, INTERNAL (logged) for anything unexpected.
      return Uni.createFrom().failure(GrpcErrors.toStatus(e, "Embed"));
    }
  }
}
