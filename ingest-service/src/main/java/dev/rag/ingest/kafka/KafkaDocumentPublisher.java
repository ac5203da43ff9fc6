package dev.rag.ingest.kafka;

import dev.rag.common.EventMessages;
import dev.rag.common.Topics;
import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentPublisher;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.mapping.EventMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes accepted document versions to {@value Topics#DOCUMENTS}. */
@ApplicationScoped
public class KafkaDocumentPublisher implements DocumentPublisher {

  private final MutinyEmitter<byte[]> documents;

  KafkaDocumentPublisher(@Channel("documents-out") MutinyEmitter<byte[]> documents) {
    this.documents = documents;
  }

  /**
   * Publishes a tombstone: the document and all its points go. Completes when acknowledged, with
   * the tombstone's offset (-1 when the broker did not say).
   */
  @Override
  public Uni<Long> publishDeletion(String key) {
    OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
    return documents
        .sendMessage(
            Message.<byte[]>of(null)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build())
                .addMetadata(result))
        .map(ignored -> result.getResult() == null ? -1L : result.getResult().offset());
  }

  /** Completes once the broker has acknowledged the event (acks=all). */
  @Override
  public Uni<AcceptedDocument> publish(VersionedDocument doc) {
    OutgoingMessageMetadata<RecordMetadata> result = new OutgoingMessageMetadata<>();
    Message<byte[]> message =
        EventMessages.protobuf(doc.key(), EventMapper.toEvent(doc).toByteArray())
            .addMetadata(result);
    return documents
        .sendMessage(message)
        .map(
            ignored -> {
              RecordMetadata written = result.getResult();
              return new AcceptedDocument(
                  doc.id(),
                  doc.source(),
                  doc.version(),
                  AcceptedDocument.ACCEPTED,
                  written == null ? -1 : written.partition(),
                  written == null ? -1 : written.offset());
            });
  }
}
