package dev.rag.ingest.kafka;

import dev.rag.common.EventMessages;
import dev.rag.common.Topics;
import dev.rag.ingest.ChunkPublisher;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.mapping.EventMapper;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentHeader;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Publishes the chunks of a document version to {@value Topics#CHUNKS}, in parts small enough for
 * the broker, all under the document's key so they stay in order.
 */
@ApplicationScoped
public class KafkaChunkPublisher implements ChunkPublisher {

  /** Text bytes per part; with protobuf framing a part stays far below the broker's limit. */
  static final int MAX_PART_TEXT_BYTES = 512 * 1024;

  private final MutinyEmitter<byte[]> chunks;
  private final int maxChunksPerEvent;

  KafkaChunkPublisher(@Channel("chunks-out") MutinyEmitter<byte[]> chunks, IngestConfig config) {
    this.chunks = chunks;
    this.maxChunksPerEvent = config.chunking().maxChunksPerEvent();
  }

  /** Publishes every part; completes when the broker has acknowledged all of them. */
  @Override
  public Uni<Void> publish(
      VersionedDocument doc, List<TextChunk> textChunks, String targetModel, long sequence) {
    DocumentHeader header = EventMapper.header(doc, sequence);
    List<List<TextChunk>> parts = split(textChunks);
    List<Uni<Void>> sends = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      ChunksEvent.Builder event =
          ChunksEvent.newBuilder()
              .setHeader(header)
              .setPart(i)
              .setPartCount(parts.size())
              .setTotalChunks(textChunks.size());
      parts.get(i).forEach(c -> event.addChunks(EventMapper.toChunk(c)));
      sends.add(send(doc.key(), event.build(), targetModel));
    }
    return Uni.join().all(sends).andFailFast().replaceWithVoid();
  }

  /**
   * Publishes the deletion of every chunk of a document; the header carries the tombstone's offset
   * on the documents topic as its sequence.
   */
  @Override
  public Uni<Void> publishDeletion(
      String tenant, String source, String documentId, long sequence, String targetModel) {
    DocumentHeader header =
        DocumentHeader.newBuilder()
            .setTenant(tenant)
            .setSource(source)
            .setDocumentId(documentId)
            .setSequence(sequence)
            .build();
    return send(
        Topics.documentKey(tenant, source, documentId),
        ChunksEvent.newBuilder()
            .setHeader(header)
            .setDeleted(true)
            .setPart(0)
            .setPartCount(1)
            .build(),
        targetModel);
  }

  private Uni<Void> send(String key, ChunksEvent event, String targetModel) {
    return chunks.sendMessage(
        EventMessages.protobuf(
            key,
            event.toByteArray(),
            targetModel == null ? Map.of() : Map.of(Topics.TARGET_MODEL_HEADER, targetModel)));
  }

  private List<List<TextChunk>> split(List<TextChunk> all) {
    List<List<TextChunk>> parts = new ArrayList<>();
    List<TextChunk> part = new ArrayList<>();
    int bytes = 0;
    for (TextChunk c : all) {
      int size = (c.text().length() + c.embeddingText().length()) * 3;
      if (!part.isEmpty()
          && (part.size() >= maxChunksPerEvent || bytes + size > MAX_PART_TEXT_BYTES)) {
        parts.add(part);
        part = new ArrayList<>();
        bytes = 0;
      }
      part.add(c);
      bytes += size;
    }
    if (!part.isEmpty()) {
      parts.add(part);
    }
    return parts;
  }
}
