package dev.rag.ingest;

import io.smallrye.mutiny.Uni;

/**
 * Port: where an accepted document version becomes durable (the documents topic, in {@code
 * kafka/}). Every door's submission and every deletion goes through it.
 */
public interface DocumentPublisher {

  /** Completes once the version is durable, with where it was written. */
  Uni<AcceptedDocument> publish(VersionedDocument doc);

  /**
   * Publishes the deletion of the document with {@code key}: it and all its points go. Completes
   * when durable, with the deletion's sequence (-1 when unknown).
   */
  Uni<Long> publishDeletion(String key);
}
