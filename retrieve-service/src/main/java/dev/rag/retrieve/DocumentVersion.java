package dev.rag.retrieve;

import java.util.Map;

/**
 * One version of one document, as every chunk of it records.
 *
 * @param tenant owner
 * @param source the document's source
 * @param documentId id within the source
 * @param version content hash
 * @param title document title
 * @param metadata document metadata
 * @param acceptedAtMillis when the version was accepted
 * @param sequence the offset of the version's (or deletion's) record on the documents topic, which
 *     orders every event of the document; {@link #UNORDERED} when the event does not say
 */
public record DocumentVersion(
    String tenant,
    String source,
    String documentId,
    String version,
    String title,
    Map<String, String> metadata,
    long acceptedAtMillis,
    long sequence) {

  /** The sequence of an event that carries none (written before sequences existed). */
  public static final long UNORDERED = -1;

  /** Whether the event says where it stands among the document's versions. */
  public boolean ordered() {
    return sequence >= 0;
  }
}
