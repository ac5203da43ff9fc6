package dev.rag.ingest;

import io.smallrye.mutiny.Uni;

/**
 * Port: where ingest reports the progress of documents (the status topic, in {@code kafka/}).
 * Status is advisory: a report that cannot be written is logged and never holds up the pipeline.
 */
public interface StatusReporter {

  /**
   * Reports a state of a document version without waiting for it to be written.
   *
   * @param key the document key, {@code tenant/source/documentId}
   * @param sequence the sequence of the record the state is about; null when unknown
   */
  void report(
      String key, String version, DocumentState state, int chunks, String reason, Long sequence);

  /** Reports a state; completes with the record once written (null for a malformed key). */
  Uni<DocumentStatus> reportAsync(
      String key, String version, DocumentState state, int chunks, String reason, Long sequence);

  /** Reports that a version was accepted, with its size; completes with the record. */
  Uni<DocumentStatus> reportAccepted(
      String key, String version, long bytes, Long sequence, DocumentStatus.Description about);

  /** Reports that a version was chunked, with what describes it, without waiting. */
  void reportChunked(
      String key, String version, int chunks, Long sequence, DocumentStatus.Description about);
}
