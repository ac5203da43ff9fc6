package dev.rag.embed.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rag.v1.ChunksEvent} records in, {@code rag.v1.EmbeddingsEvent} out: what to embed of an
 * event, and the event that carries its chunks with their vectors (header, parts and deletion
 * passed through unchanged).
 */
public final class ChunkEventsMapper {

  private ChunkEventsMapper() {}

  /**
   * The event a record's value holds.
   *
   * @throws IllegalArgumentException when the value is a tombstone, not a {@code ChunksEvent}, or
   *     has no header or tenant (the reason says which)
   */
  public static ChunksEvent event(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("null value: chunk events are never tombstones");
    }
    ChunksEvent event;
    try {
      event = ChunksEvent.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "value is not a protobuf rag.v1.ChunksEvent: " + e.getMessage(), e);
    }
    if (!event.hasHeader() || event.getHeader().getTenant().isEmpty()) {
      throw new IllegalArgumentException("chunk event has no header or tenant");
    }
    return event;
  }

  /**
   * The texts to embed, one per chunk in order (its embedding text, else its text); none for a
   * deletion.
   */
  public static List<String> texts(ChunksEvent event) {
    List<String> texts = new ArrayList<>();
    if (!event.getDeleted()) {
      for (Chunk c : event.getChunksList()) {
        texts.add(c.getEmbeddingText().isEmpty() ? c.getText() : c.getEmbeddingText());
      }
    }
    return texts;
  }

  /**
   * The embeddings event of {@code event}: each chunk with its vector ({@code vectors[i]} for the
   * i-th chunk), written by {@code modelId}.
   */
  public static EmbeddingsEvent embeddings(
      ChunksEvent event, String modelId, int dimension, float[][] vectors) {
    EmbeddingsEvent.Builder out =
        EmbeddingsEvent.newBuilder()
            .setHeader(event.getHeader())
            .setModelId(modelId)
            .setDimension(dimension)
            .setPart(event.getPart())
            .setPartCount(event.getPartCount())
            .setTotalChunks(event.getTotalChunks())
            .setDeleted(event.getDeleted());
    if (!event.getDeleted()) {
      int next = 0;
      for (Chunk c : event.getChunksList()) {
        EmbeddedChunk.Builder embedded = EmbeddedChunk.newBuilder().setChunk(c);
        for (float x : vectors[next++]) {
          embedded.addVector(x);
        }
        out.addChunks(embedded);
      }
    }
    return out.build();
  }
}
