package dev.rag.generate;

import java.util.List;

/** Finds the passages relevant to a query. */
public interface PassageRetriever {

  /**
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  List<RetrievedPassage> retrieve(String tenant, String query, int topK, List<String> sources);
}
