package dev.rag.generate.mapping;

import dev.rag.generate.PassageRetriever;
import dev.rag.generate.PassageRetriever.SourceSummary;
import dev.rag.generate.RetrievedPassage;
import dev.rag.proto.v1.Filter;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.SourceStats;
import java.util.List;

/** retrieve-service's gRPC Retrieve and Stats messages to and from the domain. */
public final class RetrievalMapper {

  private RetrievalMapper() {}

  /** A search of {@code tenant}'s passages in the retrieval service's default mode. */
  public static RetrieveRequest request(
      String tenant, String query, int topK, List<String> sources) {
    return request(tenant, query, topK, sources, PassageRetriever.Filter.NONE);
  }

  /** As {@link #request(String, String, int, List)}, restricted by the filter. */
  public static RetrieveRequest request(
      String tenant, String query, int topK, List<String> sources, PassageRetriever.Filter filter) {
    RetrieveRequest.Builder request =
        RetrieveRequest.newBuilder()
            .setTenant(tenant)
            .setQuery(query)
            .setTopK(topK)
            .addAllSources(sources);
    if (!filter.documentIds().isEmpty() || !filter.metadata().isEmpty()) {
      request.setFilter(
          Filter.newBuilder()
              .addAllDocumentIds(filter.documentIds())
              .putAllMetadata(filter.metadata()));
    }
    return request.build();
  }

  /** A found passage as an answer uses it; its score is the final one. */
  public static RetrievedPassage passage(Passage p) {
    return passage(p, "");
  }

  /**
   * A found passage as an answer uses it: its score is the final one, its similarity the dense one,
   * of {@code model}'s vectors (unknown when the search ran without them).
   */
  public static RetrievedPassage passage(Passage p, String model) {
    boolean dense = !model.isEmpty() && p.getScores().getDense() != 0;
    return new RetrievedPassage(
        p.getSource(),
        p.getDocumentId(),
        p.getTitle(),
        p.getSection(),
        p.getChunkIndex(),
        p.getText(),
        p.getScores().getFinal(),
        p.getPageStart(),
        p.getPageEnd(),
        dense ? p.getScores().getDense() : Double.NaN,
        dense ? model : "",
        p.getMetadataMap());
  }

  /** A source with what it holds. */
  public static SourceSummary source(SourceStats s) {
    return new SourceSummary(s.getSource(), s.getDocuments(), s.getPassages());
  }
}
