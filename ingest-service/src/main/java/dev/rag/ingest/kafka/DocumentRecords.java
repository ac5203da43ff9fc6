package dev.rag.ingest.kafka;

import dev.rag.common.Topics;
import dev.rag.ingest.ChunkingService;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.mapping.DocumentEventReader;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of {@value Topics#DOCUMENTS} handed to the chunking use case: a document version is
 * read ({@link DocumentEventReader}) and chunked, a tombstone deletes. Shared by the live consumer
 * and replays; the record's offset is the sequence of everything it leads to.
 */
@ApplicationScoped
public class DocumentRecords {

  private final DocumentEventReader reader;
  private final ChunkingService chunking;

  DocumentRecords(DocumentEventReader reader, ChunkingService chunking) {
    this.reader = reader;
    this.chunking = chunking;
  }

  /**
   * Processes a record and waits until its output is acknowledged by the broker.
   *
   * @param targetModel the embedding model a replay is for; null for every model (the live path,
   *     which also reports the document's status)
   * @throws IllegalArgumentException when the record can never be processed; its message is the
   *     reason given in the dead-letter record
   */
  public void process(ConsumerRecord<String, byte[]> record, String targetModel) {
    if (record.value() == null) {
      chunking.delete(record.key(), record.offset(), targetModel);
      return;
    }
    Header type = record.headers().lastHeader(Topics.CONTENT_TYPE_HEADER);
    VersionedDocument doc;
    try {
      doc =
          reader.read(
              record.key(),
              type == null ? null : new String(type.value(), StandardCharsets.UTF_8),
              record.value(),
              record.timestamp(),
              chunking::acceptedHere);
    } catch (IllegalArgumentException e) {
      throw chunking.failed(record.key(), "", e.getMessage(), targetModel, record.offset(), e);
    }
    chunking.chunk(doc, record.offset(), targetModel);
  }
}
