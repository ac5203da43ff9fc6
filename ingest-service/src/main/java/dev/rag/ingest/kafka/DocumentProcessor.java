package dev.rag.ingest.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.ingest.Chunker;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.TokenCounter;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.mapping.EventMapper;
import dev.rag.proto.v1.DocumentEvent;
import dev.rag.proto.v1.DocumentHeader;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Turns one record of the documents topic into chunk events: a document version is chunked and its
 * chunks published; a tombstone becomes a deletion. Shared by the live consumer and replays.
 */
@ApplicationScoped
public class DocumentProcessor {

  private static final Logger LOG = Logger.getLogger(DocumentProcessor.class);
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

  private final Chunker chunker;
  private final ChunkPublisher publisher;

  DocumentProcessor(IngestConfig config, ChunkPublisher publisher) {
    this.chunker =
        new Chunker(
            config.chunking().maxTokens(),
            config.chunking().overlapTokens(),
            TokenCounter.approximate());
    this.publisher = publisher;
  }

  /**
   * Processes a record and waits until its output is acknowledged by the broker.
   *
   * @param targetModel the embedding model a replay is for; null for every model
   * @throws IllegalArgumentException when the record can never be processed
   */
  public void process(ConsumerRecord<String, byte[]> record, String targetModel) {
    if (record.value() == null) {
      onTombstone(record.key(), targetModel);
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
    publisher.publish(doc, chunks, targetModel).await().atMost(PUBLISH_TIMEOUT);
    LOG.debugf("Chunked %s version %s into %d chunks", doc.key(), doc.version(), chunks.size());
  }

  private void onTombstone(String key, String targetModel) {
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
    publisher.publishDeletion(key, header, targetModel).await().atMost(PUBLISH_TIMEOUT);
    LOG.debugf("Deleted %s", key);
  }
}
