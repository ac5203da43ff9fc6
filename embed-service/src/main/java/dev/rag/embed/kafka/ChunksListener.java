package dev.rag.embed.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.embed.EmbeddingService;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@value Topics#CHUNKS} in batches (up to {@code max.poll.records} events), embeds the
 * chunks of all the batch's events together (so inference batches are full and sorted by length),
 * and publishes one embeddings event per chunk event to {@value Topics#EMBEDDINGS}, deletions
 * passed through. The batch's offsets are committed after every output is acknowledged by the
 * broker. A record that cannot be read goes to {@code rag.chunks.v1.dlq} with the reason, and the
 * rest of its batch carries on. The header (with its sequence, the order of versions) passes
 * through unchanged. Events replayed for another model ({@value Topics#TARGET_MODEL_HEADER}) are
 * passed by.
 */
@ApplicationScoped
public class ChunksListener {

  private static final Logger LOG = Logger.getLogger(ChunksListener.class);
  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(60);

  private final EmbeddingService embeddings;
  private final EmbeddingPublisher publisher;
  private final DeadLetterPublisher deadLetters;
  private final StatusPublisher status;

  ChunksListener(
      EmbeddingService embeddings,
      EmbeddingPublisher publisher,
      DeadLetterPublisher deadLetters,
      StatusPublisher status) {
    this.embeddings = embeddings;
    this.publisher = publisher;
    this.deadLetters = deadLetters;
    this.status = status;
  }

  @Incoming("chunks-in")
  @Blocking
  public void onChunks(ConsumerRecords<String, byte[]> records) {
    List<ConsumerRecord<String, byte[]>> accepted = new ArrayList<>();
    List<ChunksEvent> events = new ArrayList<>();
    List<Uni<Void>> sends = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> failed = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      var target = record.headers().lastHeader(Topics.TARGET_MODEL_HEADER);
      if (target != null
          && !new String(target.value(), java.nio.charset.StandardCharsets.UTF_8)
              .equals(embeddings.modelId())) {
        // Replayed for another model's index.
        continue;
      }
      try {
        events.add(parse(record));
        accepted.add(record);
      } catch (IllegalArgumentException e) {
        LOG.warnf(
            "Chunk event %s-%d@%d to the dead-letter topic: %s",
            record.topic(), record.partition(), record.offset(), e.getMessage());
        sends.add(deadLetters.send(record, e.getMessage()));
        failed.add(record);
        reasons.add(e.getMessage());
      }
    }
    List<String> texts = new ArrayList<>();
    for (ChunksEvent event : events) {
      if (!event.getDeleted()) {
        for (Chunk c : event.getChunksList()) {
          texts.add(c.getEmbeddingText().isEmpty() ? c.getText() : c.getEmbeddingText());
        }
      }
    }
    List<float[]> vectors = texts.isEmpty() ? List.of() : embeddings.embedPassages(texts);
    int next = 0;
    for (int i = 0; i < events.size(); i++) {
      ChunksEvent event = events.get(i);
      EmbeddingsEvent.Builder out =
          EmbeddingsEvent.newBuilder()
              .setHeader(event.getHeader())
              .setModelId(embeddings.modelId())
              .setDimension(embeddings.dimension())
              .setPart(event.getPart())
              .setPartCount(event.getPartCount())
              .setTotalChunks(event.getTotalChunks())
              .setDeleted(event.getDeleted());
      if (!event.getDeleted()) {
        for (Chunk c : event.getChunksList()) {
          EmbeddedChunk.Builder embedded = EmbeddedChunk.newBuilder().setChunk(c);
          for (float x : vectors.get(next++)) {
            embedded.addVector(x);
          }
          out.addChunks(embedded);
        }
      }
      sends.add(publisher.publish(accepted.get(i).key(), out.build()));
    }
    if (!sends.isEmpty()) {
      Uni.join().all(sends).andFailFast().await().atMost(PUBLISH_TIMEOUT);
    }
    for (int i = 0; i < failed.size(); i++) {
      status.publish(
          failed.get(i).key(), "", DocumentState.DOCUMENT_STATE_FAILED, 0, "", reasons.get(i));
    }
    for (int i = 0; i < events.size(); i++) {
      ChunksEvent event = events.get(i);
      if (!event.getDeleted()
          && event.getPart() == event.getPartCount() - 1
          && !accepted.get(i).headers().headers(Topics.TARGET_MODEL_HEADER).iterator().hasNext()) {
        status.publish(
            accepted.get(i).key(),
            event.getHeader().getVersion(),
            DocumentState.DOCUMENT_STATE_EMBEDDED,
            event.getTotalChunks(),
            embeddings.modelId(),
            "",
            event.getHeader().hasSequence() ? event.getHeader().getSequence() : null);
      }
    }
  }

  static ChunksEvent parse(ConsumerRecord<String, byte[]> record) {
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
    return event;
  }
}
