package dev.rag.retrieve.kafka;

import dev.rag.common.Topics;
import dev.rag.pipeline.KafkaTraces;
import dev.rag.pipeline.StatusPublisher;
import dev.rag.proto.v1.DocumentState;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexService;
import dev.rag.retrieve.InvalidEventException;
import dev.rag.retrieve.StoreRejectedException;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.mapping.EmbeddingsEventMapper;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@value Topics#EMBEDDINGS} and indexes each event. The offset is committed only after
 * Qdrant has applied the write (upserts and deletes wait for it). A failure that says Qdrant cannot
 * take writes now is retried with backoff for as long as it lasts, so an outage delays indexing but
 * loses nothing; an event that can never be indexed (malformed, refused as malformed, or failing
 * {@code retrieve.indexing.max-attempts} times while Qdrant is up) goes to {@code
 * rag.embeddings.v1.dlq} with the reason, and the document's status says {@code failed} with the
 * same reason. While an event waits, {@link #stall()} says which and why (the wellness check).
 */
@ApplicationScoped
public class EmbeddingsListener {

  private static final Logger LOG = Logger.getLogger(EmbeddingsListener.class);

  /** The event indexing waits on, and why. */
  public record Stall(String key, String reason, int attempts, Instant since) {}

  private final IndexService index;
  private final StatusPublisher status;
  private final RetrieveConfig.Indexing retries;

  /** The events retried now, one per consumer at most, by the consumer's thread. */
  private final Map<Thread, Stall> stalls = new ConcurrentHashMap<>();

  private volatile boolean stopping;

  private final KafkaTraces traces;

  EmbeddingsListener(
      IndexService index, StatusPublisher status, RetrieveConfig config, KafkaTraces traces) {
    this.index = index;
    this.status = status;
    this.traces = traces;
    this.retries = config.indexing();
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  /** The event indexing has been retrying longest now, if any. */
  public Optional<Stall> stall() {
    return stalls.values().stream().min(Comparator.comparing(Stall::since));
  }

  @Incoming("embeddings-in")
  @Blocking
  public CompletionStage<Void> onEmbeddings(KafkaRecord<String, byte[]> record) {
    try (KafkaTraces.RecordSpan trace = traces.start(record.getTopic(), record.getHeaders());
        Scope current = trace.context().makeCurrent()) {
      return index(record);
    }
  }

  private CompletionStage<Void> index(KafkaRecord<String, byte[]> record) {
    String key = record.getKey();
    EmbeddingBatch batch;
    try {
      batch = EmbeddingsEventMapper.batch(record.getPayload());
    } catch (InvalidEventException e) {
      return deadLetter(record, null, e);
    }
    Duration backoff = retries.initialBackoff();
    int attempts = 0;
    Instant since = Instant.now();
    try {
      while (true) {
        RuntimeException failure;
        try {
          IndexService.Outcome outcome = index.apply(batch);
          stalls.remove(Thread.currentThread());
          report(key, batch, outcome);
          return record.ack();
        } catch (InvalidEventException | StoreRejectedException e) {
          stalls.remove(Thread.currentThread());
          return deadLetter(record, batch, e);
        } catch (DependencyUnavailableException e) {
          // Qdrant cannot take it now, whatever the event: never the event's fault.
          failure = e;
          attempts++;
        } catch (RuntimeException e) {
          failure = e;
          // Counted only while Qdrant is up: an outage must not use up the event's attempts.
          if (index.storeAvailable() && ++attempts >= retries.maxAttempts()) {
            stalls.remove(Thread.currentThread());
            return deadLetter(
                record,
                batch,
                new IllegalStateException(
                    e.getMessage() + " (" + attempts + " attempts while Qdrant was up)", e));
          }
        }
        if (stopping) {
          return unsettled(key);
        }
        stalls.put(
            Thread.currentThread(),
            new Stall(key, String.valueOf(failure.getMessage()), attempts, since));
        LOG.warnf(
            "Indexing %s delayed: %s; retrying in %d ms",
            key, failure.getMessage(), backoff.toMillis());
        Thread.sleep(backoff.toMillis());
        backoff = min(backoff.multipliedBy(2), retries.maxBackoff());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unsettled(key);
    }
  }

  /**
   * Neither acknowledged nor dead-lettered: the application is stopping while the event waits, so
   * its offset is not committed and the next consumer gets it again.
   */
  private CompletionStage<Void> unsettled(String key) {
    stalls.remove(Thread.currentThread());
    LOG.infof("Stopping: %s is left for the next consumer", key);
    return new CompletableFuture<>();
  }

  private CompletionStage<Void> deadLetter(
      KafkaRecord<String, byte[]> record, EmbeddingBatch batch, RuntimeException reason) {
    var where = record.getMetadata(IncomingKafkaRecordMetadata.class);
    LOG.warnf(
        "Embedding event %s to the dead-letter topic: %s",
        where
            .map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset())
            .orElse(record.getKey()),
        reason.getMessage());
    status.publish(
        record.getKey(),
        batch == null ? "" : batch.document().version(),
        DocumentState.DOCUMENT_STATE_FAILED,
        0,
        batch == null ? "" : batch.modelId(),
        reason.getMessage(),
        batch == null ? null : sequence(batch.document()));
    return record.nack(reason);
  }

  private void report(String key, EmbeddingBatch batch, IndexService.Outcome outcome) {
    if (outcome == IndexService.Outcome.SUPERSEDED) {
      // The index holds a newer version or deletion, whose status stands.
      return;
    }
    DocumentVersion doc = batch.document();
    if (batch.deleted()) {
      status.publish(key, "", DocumentState.DOCUMENT_STATE_DELETED, 0, "", "", sequence(doc));
    } else if (batch.lastPart()) {
      status.publish(
          key,
          doc.version(),
          DocumentState.DOCUMENT_STATE_INDEXED,
          0,
          batch.modelId(),
          "",
          sequence(doc));
    }
  }

  /** The sequence a status carries: the version's, or none when its event had none. */
  private static Long sequence(DocumentVersion doc) {
    return doc.sequence() == DocumentVersion.UNORDERED ? null : doc.sequence();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
