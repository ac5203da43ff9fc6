package dev.rag.ingest.status;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The status of every document, read from the compacted {@value Topics#STATUS} topic into memory
 * (every instance reads all partitions, so any instance can answer for any document). A record
 * about an older version than the one last accepted is ignored, and a version never moves back to
 * an earlier state, so late or repeated records cannot make a status lie.
 */
@ApplicationScoped
public class DocumentStatusStore {

  private static final Logger LOG = Logger.getLogger(DocumentStatusStore.class);

  private final String bootstrapServers;
  private final Map<String, DocumentStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, Usage> usage = new ConcurrentHashMap<>();
  private volatile boolean caughtUp;
  private volatile boolean stopping;
  private volatile String error;

  DocumentStatusStore(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  void start(@Observes StartupEvent event) {
    Thread reader = new Thread(this::read, "status-store");
    reader.setDaemon(true);
    reader.start();
  }

  void stop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  /** True once the topic was read up to where it ended at startup. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Why the store is not caught up, when it knows. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  public Optional<DocumentStatus> get(String key) {
    return Optional.ofNullable(statuses.get(key));
  }

  /** Applies a status record, keeping the newest truth about the document. */
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

  /**
   * What a tenant stores: its documents that are neither deleted nor failed, and their text.
   *
   * @param documents how many
   * @param bytes their text in UTF-8 bytes
   */
  public record Usage(long documents, long bytes) {
    static final Usage NONE = new Usage(0, 0);
  }

  /** What {@code tenant} stores, as far as this instance has read the status topic. */
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

  static DocumentStatus merge(DocumentStatus current, DocumentStatus update) {
    if (current == null) {
      return update;
    }
    DocumentState state = update.getState();
    if (state == DocumentState.DOCUMENT_STATE_ACCEPTED
        || state == DocumentState.DOCUMENT_STATE_DELETED) {
      // A new version (or the same one submitted again) starts over; a deletion ends it.
      return update;
    }
    boolean sameVersion =
        update.getVersion().isEmpty() || update.getVersion().equals(current.getVersion());
    if (!sameVersion || current.getState() == DocumentState.DOCUMENT_STATE_DELETED) {
      return current;
    }
    if (state != DocumentState.DOCUMENT_STATE_FAILED
        && current.getState() != DocumentState.DOCUMENT_STATE_FAILED
        && state.getNumber() < current.getState().getNumber()) {
      return current;
    }
    DocumentStatus.Builder merged = update.toBuilder().setVersion(current.getVersion());
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
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrapServers,
                  ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                  false),
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
