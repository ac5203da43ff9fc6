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

  /** The Kafka record key shared by every event of this document. */
  public String key() {
    return Topics.documentKey(tenant, source, id);
  }
}
