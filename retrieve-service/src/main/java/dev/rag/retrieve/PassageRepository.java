package dev.rag.retrieve;

import java.util.List;

/** Where passages are stored and searched. */
public interface PassageRepository {

  /** Stores the batch's chunks; idempotent. */
  void upsert(EmbeddingBatch batch);

  /** Removes every point of the document except those of {@code keepVersion}. */
  void deleteOtherVersions(DocumentVersion document, String keepVersion);

  /** Removes every point of the document. */
  void deleteDocument(String tenant, String source, String documentId);

  /** The {@code topK} passages nearest to the query vector, within the tenant (and sources). */
  List<Passage> searchDense(
      String tenant, List<String> sources, String modelId, float[] vector, int topK);
}
