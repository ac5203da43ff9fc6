package dev.rag.common;

/**
 * The Kafka topics that join the services. Their names are a contract with external producers and
 * consumers: a breaking change to an event gets a new topic version.
 */
public final class Topics {

  /** Document versions and tombstones; compacted, so a replay rebuilds the index. */
  public static final String DOCUMENTS = "rag.documents.v1";

  /** The chunks of each document version. */
  public static final String CHUNKS = "rag.chunks.v1";

  /** The chunks with their dense vectors. */
  public static final String EMBEDDINGS = "rag.embeddings.v1";

  /**
   * Progress of each document (rag.v1.DocumentStatus), written by every stage; compacted, so the
   * latest record per document is its status.
   */
  public static final String STATUS = "rag.status.v1";

  /** Value of {@link #CONTENT_TYPE_HEADER} for JSON documents written by external producers. */
  public static final String JSON = "application/json";

  /** Header naming the encoding of a record's value. */
  public static final String CONTENT_TYPE_HEADER = "content-type";

  /** Value of {@link #CONTENT_TYPE_HEADER} for protobuf-encoded events. */
  public static final String PROTOBUF = "application/x-protobuf";

  /**
   * Header of chunk events replayed for one embedding model (a reindex): embed-service instances
   * running another model pass them by.
   */
  public static final String TARGET_MODEL_HEADER = "rag-target-model";

  /**
   * Largest record the services produce or accept, in bytes (the topics are created to allow it).
   */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private Topics() {}

  /** The dead-letter topic of a topic: where records that could not be processed go. */
  public static String deadLetter(String topic) {
    return topic + ".dlq";
  }

  /**
   * The record key of every event about one document: {@code tenant/source/documentId}. All of a
   * document's events share it, so they land on one partition and stay in order.
   */
  public static String documentKey(String tenant, String source, String documentId) {
    return new DocumentKey(tenant, source, documentId).toString();
  }
}
