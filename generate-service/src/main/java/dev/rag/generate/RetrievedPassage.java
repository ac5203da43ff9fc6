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
 */
public record RetrievedPassage(
    String source,
    String documentId,
    String title,
    String section,
    int chunkIndex,
    String text,
    double score) {}
