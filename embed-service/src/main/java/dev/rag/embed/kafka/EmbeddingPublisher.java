package dev.rag.embed.kafka;

import dev.rag.common.EventMessages;
import dev.rag.common.Topics;
import dev.rag.proto.v1.EmbeddingsEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes embedding events to {@value Topics#EMBEDDINGS} under the document's key. */
@ApplicationScoped
public class EmbeddingPublisher {

  private final MutinyEmitter<byte[]> embeddings;

  EmbeddingPublisher(@Channel("embeddings-out") MutinyEmitter<byte[]> embeddings) {
    this.embeddings = embeddings;
  }

  /** Completes when the broker has acknowledged the event. */
  public Uni<Void> publish(String key, EmbeddingsEvent event) {
    return embeddings.sendMessage(EventMessages.protobuf(key, event.toByteArray()));
  }
}
