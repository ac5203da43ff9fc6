package dev.rag.retrieve.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexedChunk;
import dev.rag.retrieve.InvalidEventException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rag.v1.EmbeddingsEvent} records to the domain: a chunk without an embedding text is
 * lexically indexed by its text, a missing part count means one part, a missing sequence means
 * unordered.
 */
public final class EmbeddingsEventMapper {

  private EmbeddingsEventMapper() {}

  /**
   * The batch a record's value holds.
   *
   * @throws InvalidEventException when the value is not a usable {@code rag.v1.EmbeddingsEvent}
   */
  public static EmbeddingBatch batch(byte[] value) {
    if (value == null) {
      throw new InvalidEventException("null value: embedding events are never tombstones");
    }
    EmbeddingsEvent event;
    try {
      event = EmbeddingsEvent.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidEventException(
          "value is not a protobuf rag.v1.EmbeddingsEvent: " + e.getMessage());
    }
    var h = event.getHeader();
    if (h.getTenant().isEmpty() || h.getSource().isEmpty() || h.getDocumentId().isEmpty()) {
      throw new InvalidEventException("event header lacks tenant, source or document id");
    }
    if (!event.getDeleted() && (event.getModelId().isEmpty() || event.getDimension() <= 0)) {
      throw new InvalidEventException("event lacks a model id or dimension");
    }
    if (h.hasSequence() && h.getSequence() < 0) {
      throw new InvalidEventException("event header has a negative sequence");
    }
    List<IndexedChunk> chunks = new ArrayList<>(event.getChunksCount());
    for (EmbeddedChunk c : event.getChunksList()) {
      float[] vector = new float[c.getVectorCount()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = c.getVector(i);
      }
      var chunk = c.getChunk();
      chunks.add(
          new IndexedChunk(
              chunk.getIndex(),
              chunk.getText(),
              chunk.getSection(),
              chunk.getEmbeddingText().isEmpty() ? chunk.getText() : chunk.getEmbeddingText(),
              vector,
              null,
              chunk.getPageStart(),
              chunk.getPageEnd()));
    }
    return new EmbeddingBatch(
        new DocumentVersion(
            h.getTenant(),
            h.getSource(),
            h.getDocumentId(),
            h.getVersion(),
            h.getTitle(),
            h.getMetadataMap(),
            h.getAcceptedAtMs(),
            h.hasSequence() ? h.getSequence() : DocumentVersion.UNORDERED),
        event.getModelId(),
        event.getDimension(),
        chunks,
        event.getPart(),
        Math.max(1, event.getPartCount()),
        event.getDeleted());
  }
}
