package dev.rag.retrieve.grpc;

import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.Scores;
import dev.rag.retrieve.Passage;
import dev.rag.retrieve.RetrievalQuery;
import dev.rag.retrieve.RetrieveService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** gRPC Retrieve: proto to domain and back. */
@GrpcService
public class RetrieveGrpcService implements Retrieve {

  private final RetrieveService retrieve;

  RetrieveGrpcService(RetrieveService retrieve) {
    this.retrieve = retrieve;
  }

  @Override
  @Blocking
  public Uni<RetrieveResponse> retrieve(RetrieveRequest request) {
    try {
      RetrieveService.Result result =
          retrieve.retrieve(
              new RetrievalQuery(
                  request.getTenant(),
                  request.getQuery(),
                  request.getTopK(),
                  request.getSourcesList()));
      RetrieveResponse.Builder response =
          RetrieveResponse.newBuilder().setModelId(result.modelId());
      for (Passage p : result.passages()) {
        response.addPassages(toProto(p));
      }
      return Uni.createFrom().item(response.build());
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
  }

  private static dev.rag.proto.v1.Passage toProto(Passage p) {
    return dev.rag.proto.v1.Passage.newBuilder()
        .setPointId(p.pointId())
        .setTenant(p.tenant())
        .setSource(p.source())
        .setDocumentId(p.documentId())
        .setVersion(p.version())
        .setChunkIndex(p.chunkIndex())
        .setTitle(p.title())
        .setSection(p.section())
        .setText(p.text())
        .putAllMetadata(p.metadata())
        .setScores(Scores.newBuilder().setDense(p.denseScore()).setFinal(p.finalScore()))
        .build();
  }
}
