package dev.rag.testsupport;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a consumer group has done, for tests that must know a record was processed even when
 * processing it leaves nothing to see (an event that is rightly ignored, say).
 */
public final class ConsumerGroups {

  private ConsumerGroups() {}

  /**
   * Waits until {@code group} has committed an offset past {@code record} on its partition: the
   * group's consumer has processed it (consumers commit only what they finished).
   *
   * @throws AssertionError when that does not happen within {@code timeout}
   */
  public static void awaitProcessed(
      String bootstrapServers, String group, RecordMetadata record, Duration timeout) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    long deadline = System.nanoTime() + timeout.toNanos();
    long committed = -1;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      while (System.nanoTime() < deadline) {
        OffsetAndMetadata offset =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS)
                .get(partition);
        committed = offset == null ? -1 : offset.offset();
        if (committed > record.offset()) {
          return;
        }
        // Polling: the broker offers no way to wait for a commit.
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not read the offsets of group " + group, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    throw new AssertionError(
        "group "
            + group
            + " did not process "
            + partition
            + "@"
            + record.offset()
            + " within "
            + timeout
            + " (committed: "
            + committed
            + ")");
  }
}
