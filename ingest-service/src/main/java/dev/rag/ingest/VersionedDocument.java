package dev.rag.ingest;

import dev.rag.common.Topics;
import java.util.Map;

/**
 * A validated document version: what travels on the documents topic.
 *
 * @param tenant owner of the document
 * @param id document identifier within the source
 * @param source the document's source
 * @param title human title (may be empty)
 * @param text the normalised body
 * @param contentType a supported MIME type
 * @param metadata string metadata
 * @param version content hash identifying this version
 * @param acceptedAtMillis when it was accepted
 */
public record VersionedDocument(
    String tenant,
    String id,
    String source,
    String title,
    String text,
    String contentType,
    Map<String, String> metadata,
    String version,
    long acceptedAtMillis) {

  /** Size of the text in UTF-8 bytes. */
  public long textBytes() {
    return DocumentValidator.utf8Length(text);
  }

  /**
   * What a list of documents shows of this version: its title, the format its file was read as
   * (metadata {@code format}; else named after the content type) and its pages (metadata {@code
   * pages}, from PDFs).
   */
  public DocumentStatus.Description description() {
    return description(title);
  }

  /** {@link #description()} under another title (one read from the text, e.g. an HTML title). */
  public DocumentStatus.Description description(String title) {
    String format = metadata.getOrDefault("format", "");
    if (format.isEmpty()) {
      format =
          switch (contentType == null ? "" : contentType) {
            case "text/markdown" -> "markdown";
            case "text/html" -> "html";
            case "text/plain" -> "text";
            default -> "";
          };
    }
    int pages;
    try {
      pages = Math.max(0, Integer.parseInt(metadata.getOrDefault("pages", "0")));
    } catch (NumberFormatException e) {
      pages = 0;
    }
    return new DocumentStatus.Description(title == null ? "" : title, format, pages);
  }

  /** The Kafka record key shared by every event of this document. */
  public String key() {
    return Topics.documentKey(tenant, source, id);
  }
}
