package dev.rag.ingest;

/**
 * The newest status of a document, as a stage of the pipeline reported it.
 *
 * @param tenant the document's tenant
 * @param source its source
 * @param documentId its id within the source
 * @param version the version the status is about; empty for a deletion
 * @param state where that version is
 * @param chunks its chunks, known from {@link DocumentState#CHUNKED} on
 * @param reason why it failed; empty otherwise
 * @param bytes its text in UTF-8 bytes, known from {@link DocumentState#ACCEPTED} on
 * @param stage the stage that wrote the status: ingest, embed or retrieve
 * @param modelId the embedding model, for {@link DocumentState#EMBEDDED} and {@link
 *     DocumentState#INDEXED}; empty otherwise
 * @param updatedAtMs when it was written, in milliseconds since the epoch
 * @param sequence the sequence of the documents-topic record it is about; null when unknown
 * @param description what a list of documents shows of the version; {@link Description#NONE} until
 *     known
 */
public record DocumentStatus(
    String tenant,
    String source,
    String documentId,
    String version,
    DocumentState state,
    int chunks,
    String reason,
    long bytes,
    String stage,
    String modelId,
    long updatedAtMs,
    Long sequence,
    Description description) {

  /**
   * What a list of documents shows of a version, known from "accepted" or "chunked" on.
   *
   * @param title its title; empty when it has none
   * @param format how it was read: pdf, markdown, html, text, jsonl, listing; empty when not known
   * @param pages its pages (PDF); 0 when not known
   */
  public record Description(String title, String format, int pages) {
    public static final Description NONE = new Description("", "", 0);
  }
}
