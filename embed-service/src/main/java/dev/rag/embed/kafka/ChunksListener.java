package dev.rag.embed.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.embed.EmbeddingService;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@value Topics#CHUNKS}, embeds each event's chunks together and publishes them to
 * {@value Topics#EMBEDDINGS}; deletions pass through. The offset is committed after the broker has
 * acknowledged the output; a record that cannot be processed goes to {@code rag.chunks.v1.dlq}.
 */
@ApplicationScoped
public class ChunksListener {

  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddingService embeddings;
  private final EmbeddingPublisher publisher;

  ChunksListener(EmbeddingService embeddings, EmbeddingPublisher publisher) {
    this.embeddings = embeddings;
    this.publisher = publisher;
  }

  @Incoming("chunks-in")
  @Blocking
  public void onChunks(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("null value: chunk events are never tombstones");
    }
    ChunksEvent event;
    try {
      event = ChunksEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "value is not a protobuf rag.v1.ChunksEvent: " + e.getMessage(), e);
    }
    if (!event.hasHeader() || event.getHeader().getTenant().isEmpty()) {
      throw new IllegalArgumentException("chunk event has no header or tenant");
    }
    EmbeddingsEvent.Builder out =
        EmbeddingsEvent.newBuilder()
            .setHeader(event.getHeader())
            .setModelId(embeddings.modelId())
            .setDimension(embeddings.dimension())
            .setPart(event.getPart())
            .setPartCount(event.getPartCount())
            .setTotalChunks(event.getTotalChunks())
            .setDeleted(event.getDeleted());
    if (!event.getDeleted() && event.getChunksCount() > 0) {
      List<String> texts = new ArrayList<>(event.getChunksCount());
      for (Chunk c : event.getChunksList()) {
        texts.add(c.getEmbeddingText().isEmpty() ? c.getText() : c.getEmbeddingText());
      }
      List<float[]> vectors = embeddings.embedPassages(texts);
      for (int i = 0; i < vectors.size(); i++) {
        EmbeddedChunk.Builder embedded = EmbeddedChunk.newBuilder().setChunk(event.getChunks(i));
        for (float x : vectors.get(i)) {
          embedded.addVector(x);
        }
        out.addChunks(embedded);
      }
    }
    publisher.publish(record.key(), out.build()).await().atMost(PUBLISH_TIMEOUT);
  }
}
