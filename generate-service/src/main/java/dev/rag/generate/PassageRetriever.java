package dev.rag.generate;

import java.util.List;
import java.util.Map;

/** Finds the passages relevant to a query. */
public interface PassageRetriever {

  /**
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  default List<RetrievedPassage> retrieve(
      String tenant, String query, int topK, List<String> sources) {
    return retrieve(tenant, query, topK, sources, Filter.NONE);
  }

  /**
   * As {@link #retrieve(String, String, int, List)}, among the passages the filter lets through.
   *
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  List<RetrievedPassage> retrieve(
      String tenant, String query, int topK, List<String> sources, Filter filter);

  /**
   * Which passages a search may return: those of the listed documents (any when empty) whose
   * metadata has every listed entry.
   */
  record Filter(List<String> documentIds, Map<String, String> metadata) {
    /** No restriction. */
    public static final Filter NONE = new Filter(List.of(), Map.of());
  }

  /**
   * The tenant's sources with what each holds, by name.
   *
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  List<SourceSummary> sources(String tenant);

  /**
   * A document's passages in chunk order, up to {@code generate.limits.max-document-passages};
   * empty when the tenant has no such document.
   *
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  List<RetrievedPassage> document(String tenant, String source, String documentId);

  /** A source and the indexed documents and passages it holds. */
  record SourceSummary(String name, long documents, long passages) {}
}
