package dev.rag.retrieve;

import java.util.List;

/** Where passages are stored and searched. Every read and delete is scoped to one tenant. */
public interface PassageRepository {

  /** Stores the batch's chunks; idempotent. */
  void upsert(EmbeddingBatch batch);

  /**
   * Removes every point of the document except those of {@code keepVersion}, in a model's index.
   */
  void deleteOtherVersions(String modelId, DocumentVersion document, String keepVersion);

  /** Removes every point of the document from a model's index. */
  void deleteDocument(String modelId, String tenant, String source, String documentId);

  /** What to search in one pass: a name for the results and the sources it covers (empty: all). */
  record SearchScope(String name, List<String> sources) {}

  /**
   * The query's vectors, for the index of {@code model}; either vector may be null to skip that
   * signal.
   */
  record QueryVectors(String model, float[] dense, SparseVector sparse) {}

  /**
   * A scope's candidates per signal, best first, with the signal's score set. Candidates carry
   * their point id, source and document id only: {@link #load} fetches the rest for those kept.
   */
  record ScopeHits(String name, List<Passage> dense, List<Passage> sparse) {}

  /** Runs every scope's searches in one round trip. */
  List<ScopeHits> search(
      String tenant, List<SearchScope> scopes, PassageFilter filter, QueryVectors query, int depth);

  /** The candidates with their full payload (text, title, metadata...), in the same order. */
  List<Passage> load(String modelId, List<Passage> candidates);

  /** The sources the tenant has passages in, in a model's index. */
  List<String> sources(String tenant, String modelId);

  /** Documents and passages per source. */
  record SourceCount(String source, long documents, long passages) {}

  List<SourceCount> stats(String tenant, String modelId);
}
