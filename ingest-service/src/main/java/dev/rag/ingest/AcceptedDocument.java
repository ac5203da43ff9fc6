package dev.rag.ingest;

/**
 * Receipt for a submitted document.
 *
 * @param id document identifier
 * @param source document source
 * @param version content hash of the version
 * @param status {@code accepted}: durable on the documents topic, on its way to the index; {@code
 *     unchanged}: this exact version is already there (or on its way), nothing was published
 * @param partition Kafka partition of the event, or -1 when nothing was published
 * @param offset Kafka offset of the event, or -1 when nothing was published
 */
public record AcceptedDocument(
    String id, String source, String version, String status, int partition, long offset) {

  public static final String ACCEPTED = "accepted";
  public static final String UNCHANGED = "unchanged";
}
