package dev.rag.cli.eval;

import dev.rag.proto.v1.FusionMethod;
import dev.rag.proto.v1.HybridOptions;
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
}
