package dev.rag.embed.kafka;

import dev.rag.common.Topics;
import dev.rag.common.errors.UnavailableException;
import dev.rag.embed.EmbeddingService;
import dev.rag.embed.config.EmbedConfig;
import dev.rag.embed.mapping.ChunkEventsMapper;
import dev.rag.pipeline.KafkaTraces;
import dev.rag.pipeline.StatusPublisher;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.EmbeddingsEvent;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final EmbeddingService embeddings;
  private final EmbeddingPublisher publisher;
  private final DeadLetterPublisher deadLetters;
  private final StatusPublisher status;
  private final KafkaTraces traces;
  private final Duration publishTimeout;
  private volatile boolean stopping;

  ChunksListener(
      EmbeddingService embeddings,
      EmbeddingPublisher publisher,
      DeadLetterPublisher deadLetters,
      StatusPublisher status,
      EmbedConfig config,
      KafkaTraces traces) {
    this.publishTimeout = config.publishTimeout();
    this.traces = traces;
    this.embeddings = embeddings;
    this.publisher = publisher;
    this.deadLetters = deadLetters;
    this.status = status;
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  @Incoming("chunks-in")
  @Blocking
  public void onChunks(ConsumerRecords<String, byte[]> records) {
    // Each record's work is a span of the trace it came in; its writes carry that span on.
    Map<ConsumerRecord<String, byte[]>, KafkaTraces.RecordSpan> spans = new HashMap<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      spans.put(record, traces.start(record.topic(), record.headers()));
    }
    try {
      embedBatch(records, spans);
    } finally {
      spans.values().forEach(KafkaTraces.RecordSpan::close);
    }
  }

  private void embedBatch(
      ConsumerRecords<String, byte[]> records,
      Map<ConsumerRecord<String, byte[]>, KafkaTraces.RecordSpan> spans) {
    List<ConsumerRecord<String, byte[]>> accepted = new ArrayList<>();
    List<ChunksEvent> events = new ArrayList<>();
    List<Uni<Void>> sends = new ArrayList<>();
    List<ConsumerRecord<String, byte[]>> failed = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      var target = record.headers().lastHeader(Topics.TARGET_MODEL_HEADER);
      if (target != null
          && !new String(target.value(), StandardCharsets.UTF_8).equals(embeddings.modelId())) {
        // Replayed for another model's index.
        continue;
      }
      try {
        events.add(ChunkEventsMapper.event(record.value()));
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
    List<float[][]> vectors = embed(events, accepted, failed, reasons, sends);
    List<Uni<Void>> outputs = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (vectors.get(i) == null) {
        continue;
      }
      EmbeddingsEvent built =
          ChunkEventsMapper.embeddings(
              events.get(i), embeddings.modelId(), embeddings.dimension(), vectors.get(i));
      String key = accepted.get(i).key();
      KafkaTraces.RecordSpan span = spans.get(accepted.get(i));
      outputs.add(
          Uni.createFrom()
              .deferred(
                  () -> {
                    try (Scope scope = span.context().makeCurrent()) {
                      return publisher.publish(key, built);
                    }
                  }));
    }
    awaitWithRetries(sends, outputs);
    for (int i = 0; i < failed.size(); i++) {
      spans.get(failed.get(i)).failed(reasons.get(i));
      status.publish(
          failed.get(i).key(), "", DocumentState.DOCUMENT_STATE_FAILED, 0, "", reasons.get(i));
    }
    for (int i = 0; i < events.size(); i++) {
      ChunksEvent event = events.get(i);
      if (vectors.get(i) != null
          && !event.getDeleted()
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

  /**
   * The vectors of each event's chunks (empty for a deletion), embedded together. When the batch
   * cannot be embedded, each event is tried alone, so one event that breaks the model goes to the
   * dead-letter topic with the reason (its vectors null) and the others carry on. A model that
   * cannot answer now (a remote server away) is waited for with backoff, the whole batch tried
   * again; nothing is dead-lettered for it.
   */
  private List<float[][]> embed(
      List<ChunksEvent> events,
      List<ConsumerRecord<String, byte[]>> accepted,
      List<ConsumerRecord<String, byte[]>> failed,
      List<String> reasons,
      List<Uni<Void>> deadLetterSends) {
    long backoff = 250;
    while (true) {
      List<Integer> broken = new ArrayList<>();
      List<String> why = new ArrayList<>();
      try {
        List<float[][]> result = embedOnce(events, broken, why);
        for (int j = 0; j < broken.size(); j++) {
          ConsumerRecord<String, byte[]> record = accepted.get(broken.get(j));
          LOG.warnf("Chunk event %s to the dead-letter topic: %s", record.key(), why.get(j));
          deadLetterSends.add(deadLetters.send(record, why.get(j)));
          failed.add(record);
          reasons.add(why.get(j));
        }
        return result;
      } catch (UnavailableException e) {
        if (stopping) {
          throw e;
        }
        LOG.warnf("Embedding delayed: %s; retrying in %d ms", e.getMessage(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  /**
   * One try at the batch: its vectors, or, for the events that break the model, null, with their
   * index in {@code broken} and the reason in {@code why}.
   *
   * @throws UnavailableException when the model cannot answer now
   */
  private List<float[][]> embedOnce(
      List<ChunksEvent> events, List<Integer> broken, List<String> why) {
    List<float[][]> result = new ArrayList<>(events.size());
    try {
      List<String> texts = new ArrayList<>();
      events.forEach(e -> texts.addAll(ChunkEventsMapper.texts(e)));
      List<float[]> vectors = texts.isEmpty() ? List.of() : embeddings.embedPassages(texts);
      int next = 0;
      for (ChunksEvent event : events) {
        int n = ChunkEventsMapper.texts(event).size();
        result.add(vectors.subList(next, next + n).toArray(new float[0][]));
        next += n;
      }
      return result;
    } catch (UnavailableException e) {
      throw e;
    } catch (RuntimeException batch) {
      LOG.warnf(
          "A batch of %d chunk events could not be embedded (%s); trying each alone",
          events.size(), batch.toString());
    }
    result.clear();
    for (int i = 0; i < events.size(); i++) {
      List<String> texts = ChunkEventsMapper.texts(events.get(i));
      try {
        result.add(
            texts.isEmpty()
                ? new float[0][]
                : embeddings.embedPassages(texts).toArray(new float[0][]));
      } catch (UnavailableException e) {
        throw e;
      } catch (RuntimeException e) {
        broken.add(i);
        why.add("the chunks could not be embedded: " + e);
        result.add(null);
      }
    }
    return result;
  }

  /**
   * Waits until the broker acknowledges every dead letter and output of the batch. A broker that is
   * slow or away is waited for with backoff, sending again what was not acknowledged (outputs are
   * idempotent downstream); nothing is dead-lettered for it.
   */
  private void awaitWithRetries(List<Uni<Void>> deadLetterSends, List<Uni<Void>> outputs) {
    long backoff = 250;
    List<Uni<Void>> all = new ArrayList<>(deadLetterSends);
    all.addAll(outputs);
    while (!all.isEmpty()) {
      try {
        Uni.join().all(all).andCollectFailures().await().atMost(publishTimeout);
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          throw e;
        }
        LOG.warnf("Publishing embeddings delayed: %s; retrying in %d ms", e.toString(), backoff);
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        // Everything is sent again (a dead letter may then be written twice; an output is
        // idempotent downstream).
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }
}
