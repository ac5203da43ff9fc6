package dev.rag.retrieve.mapping;

import dev.rag.proto.v1.EnsembleOptions;
import dev.rag.proto.v1.GetDocumentResponse;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.LexicalOptions;
import dev.rag.proto.v1.RerankOptions;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsResponse;
import dev.rag.retrieve.EnsembleSettings;
import dev.rag.retrieve.HybridSettings;
import dev.rag.retrieve.LexicalSettings;
import dev.rag.retrieve.PassageFilter;
import dev.rag.retrieve.PassageRepository.SourceCount;
import dev.rag.retrieve.RerankSettings;
import dev.rag.retrieve.RetrievalMode;
import dev.rag.retrieve.RetrievalQuery;
import dev.rag.retrieve.RetrieveService;
import dev.rag.retrieve.model.FusionMethod;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import dev.rag.retrieve.model.StatisticsScope;
import java.util.List;

/**
 * gRPC Retrieve messages to and from the domain. Unset optional numbers become {@code NaN} (the
 * configured default), unset modes and fusion methods the service's defaults.
 */
public final class RetrieveMapper {

  private RetrieveMapper() {}

  /** The query a request asks, for {@code tenant} (resolved by the caller, not the request). */
  public static RetrievalQuery query(RetrieveRequest r, String tenant) {
    return new RetrievalQuery(
        tenant,
        r.getQuery(),
        r.getTopK(),
        r.getSourcesList(),
        mode(r.getMode()),
        r.getSourceWeightsMap(),
        new PassageFilter(r.getFilter().getDocumentIdsList(), r.getFilter().getMetadataMap()),
        r.hasHybrid() ? hybrid(r.getHybrid()) : null,
        r.hasRerank() ? rerank(r.getRerank()) : null,
        r.hasLexical() ? lexical(r.getLexical()) : null,
        r.hasEnsemble() ? ensemble(r.getEnsemble()) : null);
  }

  private static EnsembleSettings ensemble(EnsembleOptions e) {
    return new EnsembleSettings(e.getDisabled(), e.hasWeight() ? e.getWeight() : Double.NaN);
  }

  static RetrievalMode mode(dev.rag.proto.v1.RetrievalMode mode) {
    return switch (mode) {
      case RETRIEVAL_MODE_DENSE -> RetrievalMode.DENSE;
      case RETRIEVAL_MODE_SPARSE -> RetrievalMode.SPARSE;
      case RETRIEVAL_MODE_HYBRID -> RetrievalMode.HYBRID;
      default -> RetrievalMode.FULL;
    };
  }

  private static HybridSettings hybrid(HybridOptions h) {
    return new HybridSettings(
        switch (h.getFusion()) {
          case FUSION_METHOD_MIN_MAX -> FusionMethod.MIN_MAX;
          case FUSION_METHOD_RRF -> FusionMethod.RRF;
          case FUSION_METHOD_DBSF -> FusionMethod.DBSF;
          default -> null;
        },
        h.hasDenseWeight() ? h.getDenseWeight() : Double.NaN,
        h.getDepth(),
        h.hasCompleteScores() ? h.getCompleteScores() : null);
  }

  private static LexicalSettings lexical(LexicalOptions l) {
    return new LexicalSettings(
        switch (l.getStatistics()) {
          case LEXICAL_STATISTICS_TENANT -> StatisticsScope.TENANT;
          case LEXICAL_STATISTICS_SEARCHED -> StatisticsScope.SEARCHED;
          default -> null;
        },
        l.hasFeedbackPassages() ? l.getFeedbackPassages() : LexicalSettings.UNSET,
        l.hasFeedbackTerms() ? l.getFeedbackTerms() : LexicalSettings.UNSET,
        l.hasFeedbackQueryWeight() ? l.getFeedbackQueryWeight() : Double.NaN);
  }

  private static RerankSettings rerank(RerankOptions r) {
    return new RerankSettings(
        r.getDisabled(),
        r.hasContextWeight() ? r.getContextWeight() : Double.NaN,
        r.hasProximityWeight() ? r.getProximityWeight() : Double.NaN);
  }

  /** The passages found, best first, with the model and mode that found them. */
  public static RetrieveResponse response(RetrieveService.Result result) {
    RetrieveResponse.Builder response =
        RetrieveResponse.newBuilder().setModelId(result.modelId()).setMode(toProto(result.mode()));
    for (Passage p : result.passages()) {
      response.addPassages(toProto(p));
    }
    return response.build();
  }

  /** A document's passages in chunk order, with the model whose index holds them. */
  public static GetDocumentResponse document(RetrieveService.Result result) {
    GetDocumentResponse.Builder response =
        GetDocumentResponse.newBuilder().setModelId(result.modelId());
    for (Passage p : result.passages()) {
      response.addPassages(toProto(p));
    }
    return response.build();
  }

  /** Each source with what it holds. */
  public static StatsResponse stats(List<SourceCount> sources) {
    StatsResponse.Builder response = StatsResponse.newBuilder();
    for (SourceCount s : sources) {
      response.addSources(
          SourceStats.newBuilder()
              .setSource(s.source())
              .setDocuments(s.documents())
              .setPassages(s.passages()));
    }
    return response.build();
  }

  static dev.rag.proto.v1.RetrievalMode toProto(RetrievalMode mode) {
    return switch (mode) {
      case DENSE -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_DENSE;
      case SPARSE -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_SPARSE;
      case HYBRID -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_HYBRID;
      case FULL -> dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_FULL;
    };
  }

  static dev.rag.proto.v1.Passage toProto(Passage p) {
    Scores s = p.scores();
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
