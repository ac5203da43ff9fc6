package dev.rag.ingest.status;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.ingest.StatusStore;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * The status of every document, read from the compacted {@value Topics#STATUS} topic into memory
 * (every instance reads all partitions, so any instance can answer for any document). Records are
 * ordered by the sequence of the documents-topic record they are about ({@link #merge}), so late or
 * repeated records cannot make a status lie, and a caller can wait until the store has read what
 * other instances wrote ({@link #caughtUpWith}).
 */
@ApplicationScoped
public class DocumentStatusStore implements StatusStore {

  private static final Logger LOG = Logger.getLogger(DocumentStatusStore.class);

  private final KafkaClients kafka;
  private final Map<String, DocumentStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, Usage> usage = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;
  private volatile boolean stopping;
  private volatile String error;

  /** The longest {@link #caughtUpWith} waits. */
  static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(5);

  /** The reader's position on each partition of the status topic, after its last poll. */
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();

  private final Queue<CatchUp> catchUps = new ConcurrentLinkedQueue<>();
  private volatile int partitionCount;
  private Admin admin;

  DocumentStatusStore(KafkaClients kafka) {
    this.kafka = kafka;
  }

  void start(@Observes StartupEvent event) {
    Thread reader = new Thread(this::read, "status-store");
    reader.setDaemon(true);
    reader.start();
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
    synchronized (this) {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
      }
    }
  }

  /** True once the topic was read up to where it ended at startup. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Why the store is not caught up, when it knows. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  @Override
  public Optional<DocumentStatus> get(String key) {
    return Optional.ofNullable(statuses.get(key));
  }

  /** Applies a status record, keeping the newest truth about the document. */
  @Override
  public void apply(DocumentStatus update) {
    String key = Topics.documentKey(update.getTenant(), update.getSource(), update.getDocumentId());
    statuses.compute(
        key,
        (k, current) -> {
          DocumentStatus merged = merge(current, update);
          count(current, merged);
          return merged;
        });
  }

  /** What {@code tenant} stores, as far as this instance has read the status topic. */
  @Override
  public Usage usage(String tenant) {
    return usage.getOrDefault(tenant, Usage.NONE);
  }

  /** Moves a tenant's usage from what {@code before} counted to what {@code after} counts. */
  private void count(DocumentStatus before, DocumentStatus after) {
    long documents = (counts(after) ? 1 : 0) - (counts(before) ? 1 : 0);
    long bytes = (counts(after) ? after.getBytes() : 0) - (counts(before) ? before.getBytes() : 0);
    if (documents == 0 && bytes == 0) {
      return;
    }
    String tenant = after != null ? after.getTenant() : before.getTenant();
    usage.merge(
        tenant,
        new Usage(documents, bytes),
        (a, b) -> new Usage(a.documents() + b.documents(), a.bytes() + b.bytes()));
  }

  private static boolean counts(DocumentStatus s) {
    return s != null
        && s.getState() != DocumentState.DOCUMENT_STATE_DELETED
        && s.getState() != DocumentState.DOCUMENT_STATE_FAILED;
  }

  /**
   * Completes with true once this store has read the status topic, on the key's partition, up to
   * where that partition ended when asked: every status any instance had written for the document
   * by then is applied. False when that takes longer than {@link #CATCH_UP_TIMEOUT} or the topic
   * cannot be asked (the caller then does not rely on the status).
   */
  @Override
  public Uni<Boolean> caughtUpWith(String key) {
    int partitions = partitionCount;
    if (!caughtUp || partitions == 0) {
      return Uni.createFrom().item(false);
    }
    TopicPartition partition =
        new TopicPartition(
            Topics.STATUS,
            Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions);
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    admin()
        .listOffsets(Map.of(partition, OffsetSpec.latest()))
        .partitionResult(partition)
        .whenComplete(
            (end, e) -> {
              if (e != null) {
                done.complete(false);
              } else {
                waitFor(new CatchUp(partition.partition(), end.offset(), done));
              }
            });
    return Uni.createFrom()
        .completionStage(
            done.completeOnTimeout(false, CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
  }

  private record CatchUp(int partition, long offset, CompletableFuture<Boolean> done) {}

  private void waitFor(CatchUp catchUp) {
    catchUps.add(catchUp);
    releaseCaughtUp();
  }

  /** Completes the waits the reader's positions satisfy (and forgets those that timed out). */
  private void releaseCaughtUp() {
    catchUps.removeIf(
        c -> {
          if (c.done().isDone()) {
            return true;
          }
          if (positions.getOrDefault(c.partition(), -1L) >= c.offset()) {
            c.done().complete(true);
            return true;
          }
          return false;
        });
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = kafka.admin(Map.of());
    }
    return admin;
  }

  /**
   * The newer of two status records of one document. Records carry the sequence (the offset on the
   * documents topic) of the version or deletion they are about: a higher sequence wins, so a late
   * report about an earlier version or deletion never replaces a later one; within one sequence a
   * state never moves back (a failure is always taken). Records without a sequence (written by
   * older instances) are ordered by version as before.
   */
  static DocumentStatus merge(DocumentStatus current, DocumentStatus update) {
    if (current == null) {
      return update;
    }
    if (update.hasSequence() && current.hasSequence()) {
      if (update.getSequence() != current.getSequence()) {
        return update.getSequence() > current.getSequence() ? update : current;
      }
      return progress(current, update);
    }
    if (update.hasSequence()) {
      return update;
    }
    return mergeUnordered(current, update);
  }

  /** Two reports about the same record of the documents topic. */
  private static DocumentStatus progress(DocumentStatus current, DocumentStatus update) {
    // "Accepted" is published once the record is on the topic, so the pipeline may report on the
    // same record (chunked, or failed) before it: it never undoes what came after it.
    boolean lateAccepted =
        update.getState() == DocumentState.DOCUMENT_STATE_ACCEPTED
            && current.getState() != DocumentState.DOCUMENT_STATE_ACCEPTED;
    if (lateAccepted
        || (update.getState() != DocumentState.DOCUMENT_STATE_FAILED
            && current.getState() != DocumentState.DOCUMENT_STATE_FAILED
            && rank(update.getState()) < rank(current.getState()))) {
      // A late "accepted" still brings the version's size, which later states do not carry.
      return current.getBytes() == 0 && update.getBytes() != 0
          ? current.toBuilder().setBytes(update.getBytes()).build()
          : current;
    }
    DocumentStatus.Builder merged = update.toBuilder();
    if (update.getVersion().isEmpty()) {
      merged.setVersion(current.getVersion());
    }
    if (update.getChunks() == 0) {
      merged.setChunks(current.getChunks());
    }
    if (update.getBytes() == 0) {
      merged.setBytes(current.getBytes());
    }
    return merged.build();
  }

  /** How far along its record's way a state is (a version's and a deletion's are apart). */
  private static int rank(DocumentState state) {
    return switch (state) {
      case DOCUMENT_STATE_ACCEPTED, DOCUMENT_STATE_DELETING -> 1;
      case DOCUMENT_STATE_CHUNKED, DOCUMENT_STATE_DELETED -> 2;
      case DOCUMENT_STATE_EMBEDDED -> 3;
      case DOCUMENT_STATE_INDEXED -> 4;
      default -> 0;
    };
  }

  /** A record without a sequence: ordered by the version it names, as before sequences. */
  private static DocumentStatus mergeUnordered(DocumentStatus current, DocumentStatus update) {
    DocumentState state = update.getState();
    if (state == DocumentState.DOCUMENT_STATE_ACCEPTED
        || state == DocumentState.DOCUMENT_STATE_DELETED
        || state == DocumentState.DOCUMENT_STATE_DELETING) {
      // A new version (or the same one submitted again) starts over; a deletion ends it.
      return update;
    }
    boolean sameVersion =
        update.getVersion().isEmpty() || update.getVersion().equals(current.getVersion());
    if (!sameVersion
        || current.getState() == DocumentState.DOCUMENT_STATE_DELETED
        || current.getState() == DocumentState.DOCUMENT_STATE_DELETING) {
      return current;
    }
    if (state != DocumentState.DOCUMENT_STATE_FAILED
        && current.getState() != DocumentState.DOCUMENT_STATE_FAILED
        && state.getNumber() < current.getState().getNumber()) {
      return current;
    }
    DocumentStatus.Builder merged = update.toBuilder().setVersion(current.getVersion());
    if (current.hasSequence()) {
      merged.setSequence(current.getSequence());
    }
    if (update.getChunks() == 0) {
      merged.setChunks(current.getChunks());
    }
    if (update.getBytes() == 0) {
      merged.setBytes(current.getBytes());
    }
    return merged.build();
  }

  private void read() {
    while (!stopping) {
      try (KafkaConsumer<String, byte[]> consumer =
          kafka.consumer(
              Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
              new StringDeserializer(),
              new ByteArrayDeserializer())) {
        List<TopicPartition> partitions =
            consumer.partitionsFor(Topics.STATUS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(Topics.STATUS, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
          error = "topic " + Topics.STATUS + " does not exist yet";
          Thread.sleep(1000);
          continue;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        partitionCount = partitions.size();
        while (!stopping) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            if (record.value() == null) {
              DocumentStatus removed = statuses.remove(record.key());
              if (removed != null) {
                count(removed, null);
              }
              continue;
            }
            try {
              apply(DocumentStatus.parseFrom(record.value()));
            } catch (InvalidProtocolBufferException e) {
              LOG.warnf("Status record %s is not a rag.v1.DocumentStatus; ignored", record.key());
            }
          }
          for (TopicPartition p : partitions) {
            positions.put(p.partition(), consumer.position(p));
          }
          releaseCaughtUp();
          if (!caughtUp && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
            caughtUp = true;
            error = null;
            LOG.infof("Status of %d documents loaded", statuses.size());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        error = e.getMessage();
        LOG.warnf("Reading %s failed (%s); retrying", Topics.STATUS, e.getMessage());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }
}
