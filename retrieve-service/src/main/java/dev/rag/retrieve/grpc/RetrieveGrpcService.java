package dev.rag.retrieve.grpc;

import dev.rag.auth.CallDeadlines;
import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsRequest;
import dev.rag.proto.v1.StatsResponse;
import dev.rag.retrieve.FusionMethod;
import dev.rag.retrieve.HybridSettings;
import dev.rag.retrieve.Passage;
import dev.rag.retrieve.PassageFilter;
import dev.rag.retrieve.RerankSettings;
import dev.rag.retrieve.RetrievalMode;
import dev.rag.retrieve.RetrievalQuery;
import dev.rag.retrieve.RetrieveService;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** gRPC Retrieve: proto to domain and back, for the caller's tenant only. */
@GrpcService
public class RetrieveGrpcService implements Retrieve {

  private final RetrieveService retrieve;
  private final Callers callers;

  RetrieveGrpcService(RetrieveService retrieve, Callers callers) {
    this.retrieve = retrieve;
    this.callers = callers;
  }

  @Override
  @Blocking
  public Uni<RetrieveResponse> retrieve(RetrieveRequest request) {
    try {
      callers.requireGrpc(Roles.QUERY);
      if (CallDeadlines.abandoned()) {
        // Queued behind other work until its caller gave up: nothing to start.
        return Uni.createFrom().failure(CallDeadlines.abandonedStatus().asRuntimeException());
      }
      // A person's key searches its own tenant; only services name the tenant they act for.
      String tenant = callers.tenantFor(request.getTenant());
      RetrieveService.Result result =
          retrieve.retrieve(
              toQuery(request.toBuilder().setTenant(tenant).build()), CallDeadlines::abandoned);
      RetrieveResponse.Builder response =
          RetrieveResponse.newBuilder()
              .setModelId(result.modelId())
              .setMode(toProto(result.mode()));
      for (Passage p : result.passages()) {
        response.addPassages(toProto(p));
      }
      return Uni.createFrom().item(response.build());
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
  }

  @Override
  @Blocking
  public Uni<StatsResponse> stats(StatsRequest request) {
    try {
      callers.requireGrpc(Roles.QUERY);
      StatsResponse.Builder response = StatsResponse.newBuilder();
      String tenant = callers.tenantFor(request.getTenant());
      for (var s : retrieve.stats(tenant, request.getModelId())) {
        response.addSources(
            SourceStats.newBuilder()
                .setSource(s.source())
                .setDocuments(s.documents())
                .setPassages(s.passages()));
      }
      return Uni.createFrom().item(response.build());
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
  }

  static RetrievalQuery toQuery(RetrieveRequest r) {
    HybridSettings hybrid = null;
    if (r.hasHybrid()) {
      var h = r.getHybrid();
      hybrid =
          new HybridSettings(
              switch (h.getFusion()) {
                case FUSION_METHOD_MIN_MAX -> FusionMethod.MIN_MAX;
                case FUSION_METHOD_RRF -> FusionMethod.RRF;
                case FUSION_METHOD_DBSF -> FusionMethod.DBSF;
                default -> null;
              },
              h.hasDenseWeight() ? h.getDenseWeight() : Double.NaN,
              h.getDepth());
    }
    return new RetrievalQuery(
        r.getTenant(),
        r.getQuery(),
        r.getTopK(),
        r.getSourcesList(),
        switch (r.getMode()) {
          case RETRIEVAL_MODE_DENSE -> RetrievalMode.DENSE;
          case RETRIEVAL_MODE_SPARSE -> RetrievalMode.SPARSE;
          case RETRIEVAL_MODE_HYBRID -> RetrievalMode.HYBRID;
          default -> RetrievalMode.FULL;
        },
        r.getSourceWeightsMap(),
        new PassageFilter(r.getFilter().getDocumentIdsList(), r.getFilter().getMetadataMap()),
        hybrid,
        r.hasRerank()
            ? new RerankSettings(
                r.getRerank().getDisabled(),
                r.getRerank().hasContextWeight() ? r.getRerank().getContextWeight() : Double.NaN,
                r.getRerank().hasProximityWeight()
                    ? r.getRerank().getProximityWeight()
                    : Double.NaN)
            : null);
  }

  private static dev.rag.proto.v1.RetrievalMode toProto(RetrievalMode mode) {
    return switch (mode) {
      case DENSE -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_DENSE;
      case SPARSE -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_SPARSE;
      case HYBRID -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_HYBRID;
      case FULL -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_FULL;
    };
  }

  private static dev.rag.proto.v1.Passage toProto(Passage p) {
    var s = p.scores();
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
        .setPageStart(p.pageStart())
        .setPageEnd(p.pageEnd())
        .setScores(
            dev.rag.proto.v1.Scores.newBuilder()
                .setDense(s.dense())
                .setSparse(s.sparse())
                .setFused(s.fused())
                .setRerank(s.rerank())
                .setFinal(s.finalScore()))
        .build();
  }
}
