package dev.rag.cli;

import dev.rag.pipeline.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the whole pipeline has got, read from the broker: the records the services' consumer
 * groups have committed on the rag topics, and the records still waiting for them. A document
 * queued behind a backlog shows no progress of its own for a long time while the pipeline is busy;
 * this tells the two apart.
 */
final class PipelineProgress implements AutoCloseable {

  private static final long WAIT_SECONDS = 5;

  /**
   * @param committed records committed by every group, summed over the rag topics' partitions
   * @param queued records not yet committed by the groups reading them now
   */
  record Snapshot(long committed, long queued) {}

  private final Admin admin;

  /** Set once the broker did not answer: it is not asked again (each try would wait seconds). */
  private boolean unreachable;

  PipelineProgress(KafkaClients kafka) {
    this.admin =
        kafka.admin(
            Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
  }

  /** The pipeline's position now, or null when the broker cannot say. */
  Snapshot snapshot() {
    if (unreachable) {
      return null;
    }
    try {
      Map<TopicPartition, Long> committed = new HashMap<>();
      long total = 0;
      for (GroupListing group :
          admin
              .listGroups(ListGroupsOptions.forConsumerGroups())
              .all()
              .get(WAIT_SECONDS, TimeUnit.SECONDS)) {
        // Only a group with members is still reading: an abandoned one (an old model's) queues
        // nothing.
        boolean reading = group.groupState().orElse(GroupState.UNKNOWN) == GroupState.STABLE;
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets(group.groupId())
                .partitionsToOffsetAndMetadata()
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (var e : offsets.entrySet()) {
          String topic = e.getKey().topic();
          if (e.getValue() == null || !topic.startsWith("rag.") || topic.endsWith(".dlq")) {
            continue;
          }
          total += e.getValue().offset();
          if (reading) {
            // Queued: behind the reading group that is furthest behind on each partition.
            committed.merge(e.getKey(), e.getValue().offset(), Math::min);
          }
        }
      }
      long queued = 0;
      if (!committed.isEmpty()) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(p -> latest.put(p, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(WAIT_SECONDS, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
          queued += Math.max(0, e.getValue().offset() - committed.get(e.getKey()));
        }
      }
      return new Snapshot(total, queued);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      unreachable = true;
      return null;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
