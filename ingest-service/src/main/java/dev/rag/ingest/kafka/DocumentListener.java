package dev.rag.ingest.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.ingest.Chunker;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.TokenCounter;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.mapping.EventMapper;
import dev.rag.proto.v1.DocumentEvent;
import dev.rag.proto.v1.DocumentHeader;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@value Topics#DOCUMENTS}: chunks each document version and publishes its chunks; turns
 * a tombstone into a deletion. A record that cannot be processed is nacked, which sends it to
 * {@code rag.documents.v1.dlq} with the reason in its headers; the offset is committed only after
 * the chunk events are acknowledged by the broker.
 */
@ApplicationScoped
public class DocumentListener {

  private static final Logger LOG = Logger.getLogger(DocumentListener.class);
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

  private final Chunker chunker;
  private final ChunkPublisher publisher;

  DocumentListener(IngestConfig config, ChunkPublisher publisher) {
    this.chunker =
        new Chunker(
            config.chunking().maxTokens(),
            config.chunking().overlapTokens(),
            TokenCounter.approximate());
    this.publisher = publisher;
  }

  @Incoming("documents-in")
  @Blocking
  public void onDocument(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      onTombstone(record.key());
      return;
    }
    DocumentEvent event;
    try {
      event = DocumentEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "value is not a protobuf rag.v1.DocumentEvent: " + e.getMessage(), e);
    }
    if (event.getTenant().isEmpty() || event.getDocument().getId().isEmpty()) {
      throw new IllegalArgumentException("event has no tenant or document id");
    }
    VersionedDocument doc = EventMapper.fromEvent(event);
    List<TextChunk> chunks = chunker.chunk(doc.title(), doc.text(), doc.contentType());
    publisher.publish(doc, chunks).await().atMost(PUBLISH_TIMEOUT);
    LOG.debugf("Chunked %s version %s into %d chunks", doc.key(), doc.version(), chunks.size());
  }

  private void onTombstone(String key) {
    String[] parts = key == null ? new String[0] : key.split("/", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "tombstone key '" + key + "' is not of the form tenant/source/documentId");
    }
    DocumentHeader header =
        DocumentHeader.newBuilder()
            .setTenant(parts[0])
            .setSource(parts[1])
            .setDocumentId(parts[2])
            .build();
    publisher.publishDeletion(key, header).await().atMost(PUBLISH_TIMEOUT);
    LOG.debugf("Deleted %s", key);
  }
}
