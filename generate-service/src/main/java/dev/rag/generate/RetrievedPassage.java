package dev.rag.generate;

import java.util.Map;

/**
 * A passage as retrieve-service returned it.
 *
 * @param source the document's source
 * @param documentId document id
 * @param title document title
 * @param section section path
 * @param chunkIndex position of the chunk in its document
 * @param text chunk text
 * @param score retrieval score (higher is better)
 * @param pageStart first page of the passage in a paged document (a PDF), else 0
 * @param pageEnd last page of the passage in a paged document, else 0
 * @param similarity cosine similarity of the query's and the passage's vectors; NaN when unknown
 * @param model the embedding model that similarity is of; empty when unknown
 * @param metadata the document's metadata (authors, date, year, file, pages...); empty when none
 */
public record RetrievedPassage(
    String source,
    String documentId,
    String title,
    String section,
    int chunkIndex,
    String text,
    double score,
    int pageStart,
    int pageEnd,
    double similarity,
    String model,
    Map<String, String> metadata) {

  public RetrievedPassage {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A passage whose similarity to the query is not known. */
  public RetrievedPassage(
      String source,
      String documentId,
      String title,
      String section,
      int chunkIndex,
      String text,
      double score,
      int pageStart,
      int pageEnd) {
    this(
        source,
        documentId,
        title,
        section,
        chunkIndex,
        text,
        score,
        pageStart,
        pageEnd,
        Double.NaN,
        "",
        Map.of());
  }

  /** A passage of a document without pages. */
  public RetrievedPassage(
      String source,
      String documentId,
      String title,
      String section,
      int chunkIndex,
      String text,
      double score) {
    this(source, documentId, title, section, chunkIndex, text, score, 0, 0);
  }
}
