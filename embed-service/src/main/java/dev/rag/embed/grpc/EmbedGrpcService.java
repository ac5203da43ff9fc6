package dev.rag.embed.grpc;

import dev.rag.auth.CallDeadlines;
import dev.rag.auth.Callers;
import dev.rag.auth.GrpcErrors;
import dev.rag.auth.Roles;
import dev.rag.embed.EmbeddingService;
import dev.rag.embedding.TextKind;
import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.proto.v1.Vector;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.List;
import org.jboss.logging.Logger;

/** gRPC Embed: proto to domain and back. Inference is CPU work, so it runs off the event loop. */
@GrpcService
public class EmbedGrpcService implements Embed {

  private static final Logger LOG = Logger.getLogger(EmbedGrpcService.class);

  private final EmbeddingService embeddings;
  private final Callers callers;

  EmbedGrpcService(EmbeddingService embeddings, Callers callers) {
    this.embeddings = embeddings;
    this.callers = callers;
  }

  @Override
  @Blocking
  public Uni<dev.rag.proto.v1.InfoResponse> info(dev.rag.proto.v1.InfoRequest request) {
    try {
      callers.requireGrpc(Roles.QUERY);
    } catch (StatusRuntimeException e) {
      return Uni.createFrom().failure(e);
    }
    return Uni.createFrom()
        .item(
            dev.rag.proto.v1.InfoResponse.newBuilder()
                .setModelId(embeddings.modelId())
                .setDimension(embeddings.dimension())
                .setDevice(embeddings.onGpu() ? "cuda" : "cpu")
                .build());
  }

  @Override
  @Blocking
  public Uni<EmbedResponse> embed(EmbedRequest request) {
    try {
      callers.requireGrpc(Roles.QUERY);
      if (CallDeadlines.abandoned()) {
        // Queued behind other inference until its caller gave up: nothing to compute.
        return Uni.createFrom().failure(CallDeadlines.abandonedStatus().asRuntimeException());
      }
      TextKind kind =
          request.getKind() == InputKind.INPUT_KIND_PASSAGE ? TextKind.PASSAGE : TextKind.QUERY;
      List<float[]> vectors = embeddings.embedForRequest(request.getTextsList(), kind);
      EmbedResponse.Builder response =
          EmbedResponse.newBuilder()
              .setModelId(embeddings.modelId())
              .setDimension(embeddings.dimension());
      for (float[] v : vectors) {
        Vector.Builder b = Vector.newBuilder();
        for (float x : v) {
          b.addValues(x);
        }
        response.addVectors(b);
      }
      return Uni.createFrom().item(response.build());
    } catch (RuntimeException e) {
      // Field details on INVALID_ARGUMENT, INTERNAL (logged) for anything unexpected.
      return Uni.createFrom().failure(GrpcErrors.toStatus(e, "Embed"));
    }
  }
}
