package dev.rag.generate;

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
    int pageEnd) {

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
