package dev.rag.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning, outside any consumer group, for assertions in tests. */
public final class TopicReader {

  private TopicReader() {}

  /** A consumer outside any group, named for the test reader it is. */
  private static KafkaConsumer<String, byte[]> consumer(String bootstrapServers) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "test-reader-" + UUID.randomUUID(),
            ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
            false),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<String, byte[]> consumer, String topic, Duration timeout) {
    return consumer.partitionsFor(topic, timeout).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  /**
   * Polls the topic from its start until {@code count} records matching {@code filter} were seen or
   * the timeout passes, and returns the matching records (possibly fewer than asked for).
   */
  public static List<ConsumerRecord<String, byte[]>> await(
      String bootstrapServers,
      String topic,
      Predicate<ConsumerRecord<String, byte[]>> filter,
      int count,
      Duration timeout) {
    List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      List<TopicPartition> partitions = List.of();
      while (partitions.isEmpty() && System.nanoTime() < deadline) {
        partitions = partitions(consumer, topic, Duration.ofSeconds(5));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (matched.size() < count && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (filter.test(r)) {
            matched.add(r);
          }
        }
      }
    }
    return matched;
  }

  /**
   * The records matching {@code filter} among those on the topic when this is called: it reads
   * every partition from its start to its end offset of now, so a record that is not returned was
   * not there (no waiting for one that might come).
   */
  public static List<ConsumerRecord<String, byte[]>> readToEnd(
      String bootstrapServers, String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
    List<ConsumerRecord<String, byte[]>> matched = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> partitions = partitions(consumer, topic, Duration.ofSeconds(10));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))
              && filter.test(r)) {
            matched.add(r);
          }
        }
      }
    }
    return matched;
  }

  /** Decodes a record value; may throw, e.g. a protobuf parse error. */
  @FunctionalInterface
  public interface ValueParser<T> {
    T parse(byte[] value) throws Exception;
  }

  /**
   * The decoded values of the first {@code count} records with {@code key} on the topic (fewer if
   * the timeout passes first).
   */
  public static <T> List<T> awaitValues(
      String bootstrapServers,
      String topic,
      String key,
      int count,
      Duration timeout,
      ValueParser<T> parser) {
    List<T> values = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r :
        await(bootstrapServers, topic, rec -> key.equals(rec.key()), count, timeout)) {
      try {
        values.add(parser.parse(r.value()));
      } catch (Exception e) {
        throw new AssertionError("record " + r.key() + " on " + topic + " does not decode", e);
      }
    }
    return values;
  }

  /** The {@code dead-letter-reason} header SmallRye's dead-letter queue puts on a record. */
  public static String deadLetterReason(ConsumerRecord<String, byte[]> record) {
    var header = record.headers().lastHeader("dead-letter-reason");
    return header == null
        ? null
        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Sum of the end offsets of every partition of the topic: how many records were ever written. */
  public static long endOffsetSum(String bootstrapServers, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrapServers)) {
      List<TopicPartition> partitions = partitions(consumer, topic, Duration.ofSeconds(10));
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
