package dev.rag.retrieve;

import java.util.List;

/**
 * One part of a document version's embedded chunks, or the deletion of the document.
 *
 * @param document the version the chunks belong to
 * @param modelId model of every vector
 * @param dimension length of every vector
 * @param chunks the chunks of this part
 * @param part part number, from 0
 * @param partCount number of parts of the version
 * @param deleted whether the document is deleted (then chunks is empty)
 */
public record EmbeddingBatch(
    DocumentVersion document,
    String modelId,
    int dimension,
    List<IndexedChunk> chunks,
    int part,
    int partCount,
    boolean deleted) {

  /** Whether this is the version's last part: once it is stored, the version is complete. */
  public boolean lastPart() {
    return part >= partCount - 1;
  }
}
