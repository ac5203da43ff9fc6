package dev.rag.embed.kafka;

import dev.rag.common.Topics;
import dev.rag.proto.v1.EmbeddingsEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes embedding events to {@value Topics#EMBEDDINGS} under the document's key. */
@ApplicationScoped
public class EmbeddingPublisher {

  private final MutinyEmitter<byte[]> embeddings;

  EmbeddingPublisher(@Channel("embeddings-out") MutinyEmitter<byte[]> embeddings) {
    this.embeddings = embeddings;
  }

  /** Completes when the broker has acknowledged the event. */
  public Uni<Void> publish(String key, EmbeddingsEvent event) {
    return embeddings.sendMessage(
        Message.of(event.toByteArray())
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(key)
                    .withHeaders(
                        new RecordHeaders()
                            .add(
                                Topics.CONTENT_TYPE_HEADER,
                                Topics.PROTOBUF.getBytes(StandardCharsets.UTF_8)))
                    .build()));
  }
}
