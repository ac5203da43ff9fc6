package dev.rag.ingest.kafka;

import dev.rag.common.Topics;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@value Topics#DOCUMENTS}: chunks each document version and publishes its chunks; turns
 * a tombstone into a deletion. A record that cannot be processed is nacked, which sends it to
 * {@code rag.documents.v1.dlq} with the reason in its headers; the offset is committed only after
 * the chunk events are acknowledged by the broker.
 */
@ApplicationScoped
public class DocumentListener {

  private final DocumentProcessor processor;

  DocumentListener(DocumentProcessor processor) {
    this.processor = processor;
  }

  @Incoming("documents-in")
  @Blocking
  public void onDocument(ConsumerRecord<String, byte[]> record) {
    processor.process(record, null);
  }
}
