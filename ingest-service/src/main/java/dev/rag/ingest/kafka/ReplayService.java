package dev.rag.ingest.kafka;

import dev.rag.common.Topics;
import dev.rag.ingest.client.EmbedClient;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.pipeline.KafkaClients;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Replays the compacted documents topic, from its start to where it ended when the replay began,
 * into chunk events addressed to one embedding model: how an index for a new model is built from
 * nothing but the topic. The live consumer is not involved and keeps its position.
 *
 * <p>A replay reads every tenant's documents and costs an embedding of each, so it is an operator
 * action (see {@code ReplayResource}), one at a time per instance, never into the model the live
 * pipeline embeds with (its index is kept by the live path), and a finished replay is forgotten
 * after {@code ingest.replays.retention}.
 */
@ApplicationScoped
public class ReplayService {

  private static final Logger LOG = Logger.getLogger(ReplayService.class);
  private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** A replay's progress. */
  public static final class Replay {
    final String id;
    final String targetModel;
    final AtomicLong processed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile long total = -1;
    volatile String state = "running";
    volatile String error;
    volatile long endedAt;

    Replay(String id, String targetModel) {
      this.id = id;
      this.targetModel = targetModel;
    }

    /** A snapshot for callers. */
    public Map<String, Object> view() {
      return Map.of(
          "id", id,
          "targetModel", targetModel,
          "state", state,
          "total", total,
          "processed", processed.get(),
          "failed", failed.get(),
          "error", error == null ? "" : error);
    }
  }

  /** Refused: the replay would do harm or cannot start now; the message says why. */
  public static final class RefusedException extends RuntimeException {
    private final boolean conflict;

    RefusedException(String message, boolean conflict) {
      super(message);
      this.conflict = conflict;
    }

    /** Whether it conflicts with the service's state (409) rather than a dependency (503). */
    public boolean conflict() {
      return conflict;
    }
  }

  /** Turns one record into chunk events for the target model ({@link DocumentRecords}). */
  interface RecordProcessor {
    void process(ConsumerRecord<String, byte[]> record, String targetModel);
  }

  private final RecordProcessor processor;
  private final Supplier<String> liveModel;
  private final KafkaClients kafka;
  private final Duration retention;
  private final Map<String, Replay> replays = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  @Inject
  ReplayService(
      DocumentRecords records, EmbedClient embed, IngestConfig config, KafkaClients kafka) {
    this(records::process, embed::liveModel, config.replays().retention(), kafka);
  }

  ReplayService(
      RecordProcessor processor,
      Supplier<String> liveModel,
      Duration retention,
      KafkaClients kafka) {
    this.processor = processor;
    this.liveModel = liveModel;
    this.kafka = kafka;
    this.retention = retention;
  }

  @PreDestroy
  void stop() {
    stopping = true;
  }

  /**
   * Starts a replay in the background.
   *
   * @throws IllegalArgumentException when the model id is malformed
   * @throws RefusedException when a replay is running, the model is the live one, or embed-service
   *     cannot say which model is live
   */
  public synchronized Replay start(String targetModel) {
    if (targetModel == null || !MODEL_ID.matcher(targetModel).matches()) {
      throw new IllegalArgumentException("targetModel must be a model id such as e5-small-v2-int8");
    }
    forgetFinished();
    for (Replay r : replays.values()) {
      if (r.state.equals("running")) {
        throw new RefusedException(
            "replay " + r.id + " for " + r.targetModel + " is running; one runs at a time", true);
      }
    }
    String live;
    try {
      live = liveModel.get();
    } catch (EmbedClient.UnavailableException e) {
      throw new RefusedException(e.getMessage() + "; the replay was not started", false);
    }
    if (live.equals(targetModel)) {
      throw new RefusedException(
          targetModel
              + " is the model the live pipeline embeds with; its index is kept up to date"
              + " already",
          true);
    }
    Replay replay = new Replay(UUID.randomUUID().toString(), targetModel);
    replays.put(replay.id, replay);
    Thread worker = new Thread(() -> run(replay), "replay-" + replay.id);
    worker.setDaemon(true);
    worker.start();
    return replay;
  }

  public Optional<Replay> get(String id) {
    forgetFinished();
    return Optional.ofNullable(replays.get(id));
  }

  /** Drops replays that ended longer than the retention ago. */
  private void forgetFinished() {
    long now = System.currentTimeMillis();
    replays.values().removeIf(r -> r.endedAt > 0 && now - r.endedAt > retention.toMillis());
  }

  private void run(Replay replay) {
    try (KafkaConsumer<String, byte[]> consumer =
        kafka.consumer(
            Map.of(
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                64),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.DOCUMENTS, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(Topics.DOCUMENTS, p.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
      replay.total = partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
      consumer.seekToBeginning(partitions);
      LOG.infof("Replay %s for %s: up to %d records", replay.id, replay.targetModel, replay.total);
      while (!stopping && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= end.get(tp)) {
            continue;
          }
          try {
            processor.process(record, replay.targetModel);
          } catch (IllegalArgumentException e) {
            // The live consumer already sent this record to the dead-letter topic.
            replay.failed.incrementAndGet();
          }
          replay.processed.incrementAndGet();
        }
      }
      replay.endedAt = System.currentTimeMillis();
      replay.state = stopping ? "stopped" : "done";
      LOG.infof("Replay %s %s: %d records", replay.id, replay.state, replay.processed.get());
    } catch (RuntimeException e) {
      replay.endedAt = System.currentTimeMillis();
      replay.state = "failed";
      replay.error = e.getMessage();
      LOG.errorf(e, "Replay %s failed", replay.id);
    }
  }
}
