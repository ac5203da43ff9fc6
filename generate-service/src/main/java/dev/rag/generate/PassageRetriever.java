package dev.rag.generate;

import java.util.List;

/** Finds the passages relevant to a query. */
public interface PassageRetriever {

  /**
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  List<RetrievedPassage> retrieve(String tenant, String query, int topK, List<String> sources);

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
