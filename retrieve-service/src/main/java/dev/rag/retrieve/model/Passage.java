package dev.rag.retrieve.model;

import java.util.Map;

/**
 * A retrieved chunk with its provenance and scores.
 *
 * @param pointId Qdrant point id
 * @param tenant owner
 * @param source the document's source
 * @param documentId document id
 * @param version document version
 * @param chunkIndex position of the chunk in the document
 * @param title document title
 * @param section section path
 * @param text chunk text
 * @param metadata document metadata
 * @param scores every score behind its rank
 * @param pageStart first page of the passage in a paged document, else 0
 * @param pageEnd last page of the passage in a paged document, else 0
 */
public record Passage(
    String pointId,
    String tenant,
    String source,
    String documentId,
    String version,
    int chunkIndex,
    String title,
    String section,
    String text,
    Map<String, String> metadata,
    Scores scores,
    int pageStart,
    int pageEnd) {

  public Passage withScores(Scores newScores) {
    return copy(pointId, newScores);
  }

  /** The same passage under another point id (the same chunk in another model's index). */
  public Passage withPointId(String id) {
    return copy(id, scores);
  }

  private Passage copy(String id, Scores newScores) {
    return new Passage(
        id,
        tenant,
        source,
        documentId,
        version,
        chunkIndex,
        title,
        section,
        text,
        metadata,
        newScores,
        pageStart,
        pageEnd);
  }

  /** The key of the document the passage belongs to. */
  public String documentKey() {
    return source + "/" + documentId;
  }
}
