package dev.rag.ingest;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Port: where the chunks of a document version go on their way to embedding (in {@code kafka/}).
 */
public interface ChunkPublisher {

  /**
   * Publishes every chunk of the version; completes when all of them are durable.
   *
   * @param targetModel the embedding model a replay is for, or null for every model
   * @param sequence the version's sequence on the documents topic, carried with every chunk so that
   *     each sink can tell a newer version from an older one
   */
  Uni<Void> publish(
      VersionedDocument doc, List<TextChunk> chunks, String targetModel, long sequence);

  /**
   * Publishes the deletion of every chunk of a document.
   *
   * @param sequence the deletion's sequence on the documents topic
   */
  Uni<Void> publishDeletion(
      String tenant, String source, String documentId, long sequence, String targetModel);
}
