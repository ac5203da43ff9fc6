package dev.rag.retrieve;

import java.util.Optional;

/**
 * Which event of each document a model's index holds ({@link IndexedVersion}). It lives and dies
 * with the model's index: an index rebuilt from nothing starts with no memory of earlier events.
 * One document's events are applied by one consumer at a time (they share a Kafka partition), so a
 * read followed by a save needs no lock.
 */
public interface IndexedVersionRepository {

  /** The newest event applied for the document in the model's index, if any. */
  Optional<IndexedVersion> find(String modelId, String tenant, String source, String documentId);

  /**
   * Records the event as the document's newest in the model's index, making the index if need be
   * (with dense vectors of {@code dimension}; an index that does not exist and cannot be made, for
   * want of a dimension, records nothing).
   */
  void save(
      String modelId,
      int dimension,
      String tenant,
      String source,
      String documentId,
      IndexedVersion version);
}
