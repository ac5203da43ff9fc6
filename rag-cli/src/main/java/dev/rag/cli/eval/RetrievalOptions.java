package dev.rag.cli.eval;

import dev.rag.proto.v1.EnsembleOptions;
import dev.rag.proto.v1.FusionMethod;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.LexicalOptions;
import dev.rag.proto.v1.LexicalStatistics;
import dev.rag.proto.v1.RetrievalMode;
import java.util.Locale;

/** Retrieval settings named on the command line, as gRPC Retrieve takes them. */
public final class RetrievalOptions {

  private RetrievalOptions() {}

  /** A mode by name: dense, sparse, hybrid or full. */
  public static RetrievalMode mode(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "dense" -> RetrievalMode.RETRIEVAL_MODE_DENSE;
      case "sparse" -> RetrievalMode.RETRIEVAL_MODE_SPARSE;
      case "hybrid" -> RetrievalMode.RETRIEVAL_MODE_HYBRID;
      case "full" -> RetrievalMode.RETRIEVAL_MODE_FULL;
      default ->
          throw new IllegalArgumentException(
              "unknown mode '" + name + "': use dense, sparse, hybrid or full");
    };
  }

  /** Hybrid fusion overrides (min-max, rrf or dbsf; a dense weight), or null for none. */
  public static HybridOptions hybridOptions(String fusion, Double weight) {
    if (fusion == null && weight == null) {
      return null;
    }
    HybridOptions.Builder b = HybridOptions.newBuilder();
    if (fusion != null) {
      b.setFusion(
          switch (fusion.toLowerCase(Locale.ROOT)) {
            case "min-max" -> FusionMethod.FUSION_METHOD_MIN_MAX;
            case "rrf" -> FusionMethod.FUSION_METHOD_RRF;
            case "dbsf" -> FusionMethod.FUSION_METHOD_DBSF;
            default -> throw new IllegalArgumentException("unknown fusion '" + fusion + "'");
          });
    }
    if (weight != null) {
      b.setDenseWeight(weight);
    }
    return b.build();
  }

  /**
   * {@code base} (null: none) with a fusion depth (0: the service's) and score completion (null:
   * the service's) set; null when nothing is set at all, so that the service's settings hold.
   */
  public static HybridOptions hybridOptions(HybridOptions base, int depth, Boolean completeScores) {
    if (depth <= 0 && completeScores == null) {
      return base;
    }
    HybridOptions.Builder b = base == null ? HybridOptions.newBuilder() : base.toBuilder();
    if (depth > 0) {
      b.setDepth(depth);
    }
    if (completeScores != null) {
      b.setCompleteScores(completeScores);
    }
    return b.build();
  }

  /**
   * Lexical overrides, or null for none.
   *
   * @param statistics tenant or searched (null: the service's)
   * @param feedback {@code off}, or {@code passages,terms,query-weight} (null: the service's)
   */
  public static LexicalOptions lexicalOptions(String statistics, String feedback) {
    if (statistics == null && feedback == null) {
      return null;
    }
    LexicalOptions.Builder b = LexicalOptions.newBuilder();
    if (statistics != null) {
      b.setStatistics(
          switch (statistics.toLowerCase(Locale.ROOT)) {
            case "tenant" -> LexicalStatistics.LEXICAL_STATISTICS_TENANT;
            case "searched" -> LexicalStatistics.LEXICAL_STATISTICS_SEARCHED;
            default ->
                throw new IllegalArgumentException(
                    "unknown statistics '" + statistics + "': use tenant or searched");
          });
    }
    if (feedback != null) {
      if (feedback.equalsIgnoreCase("off")) {
        b.setFeedbackPassages(0);
      } else {
        String[] parts = feedback.split(",");
        if (parts.length != 3) {
          throw new IllegalArgumentException(
              "feedback is off or passages,terms,query-weight (e.g. 10,10,0.5), not '"
                  + feedback
                  + "'");
        }
        b.setFeedbackPassages(Integer.parseInt(parts[0].strip()))
            .setFeedbackTerms(Integer.parseInt(parts[1].strip()))
            .setFeedbackQueryWeight(Double.parseDouble(parts[2].strip()));
      }
    }
    return b.build();
  }

  /** Dense-ensemble overrides: {@code off}, or the second model's weight in [0, 1]; null: none. */
  public static EnsembleOptions ensembleOptions(String setting) {
    if (setting == null) {
      return null;
    }
    if (setting.equalsIgnoreCase("off")) {
      return EnsembleOptions.newBuilder().setDisabled(true).build();
    }
    try {
      return EnsembleOptions.newBuilder().setWeight(Double.parseDouble(setting.strip())).build();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "ensemble is off or the second model's weight (e.g. 0.5), not '" + setting + "'");
    }
  }
}
