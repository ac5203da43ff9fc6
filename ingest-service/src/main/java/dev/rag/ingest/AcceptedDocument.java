package dev.rag.ingest;

/**
 * Receipt for a document whose event is durable on the documents topic.
 *
 * @param id document identifier
 * @param source document source
 * @param version content hash of the accepted version
 * @param partition Kafka partition of the event, or -1 when unknown
 * @param offset Kafka offset of the event, or -1 when unknown
 */
public record AcceptedDocument(
    String id, String source, String version, int partition, long offset) {}
