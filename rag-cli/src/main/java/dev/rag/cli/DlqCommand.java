package dev.rag.cli;

import dev.rag.pipeline.KafkaClients;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./rag dlq list|redrive TOPIC}: the records a stage dead-lettered ({@code TOPIC.dlq}), with
 * their reasons, and sending them back to {@code TOPIC} once what refused them is mended (a limit
 * raised, a quota freed, a bug fixed). Redrive remembers, in the consumer group {@value #GROUP},
 * how far it got, so each dead letter is sent back once.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "List the dead letters of a topic, or send them back to it.")
public class DlqCommand implements Callable<Integer> {

  static final String GROUP = "rag-dlq-redrive";
  private static final String DEAD_LETTER_PREFIX = "dead-letter-";
  private static final Duration POLL = Duration.ofMillis(500);

  @Parameters(index = "0", description = "list or redrive")
  String action;

  @Parameters(
      index = "1",
      description = "the topic whose dead letters to read, e.g. rag.documents.v1")
  String topic;

  @Option(names = "--limit", defaultValue = "20", description = "list: the newest this many")
  int limit;

  @Inject KafkaClients kafka;

  @Override
  public Integer call() throws Exception {
    String deadLetters = topic.endsWith(".dlq") ? topic : topic + ".dlq";
    String target = deadLetters.substring(0, deadLetters.length() - 4);
    return switch (action) {
      case "list" -> list(deadLetters);
      case "redrive" -> redrive(deadLetters, target);
      default -> {
        System.err.println("rag dlq: the action is list or redrive, not '" + action + "'");
        yield 2;
      }
    };
  }

  private int list(String deadLetters) {
    Deque<ConsumerRecord<byte[], byte[]>> newest = new ArrayDeque<>();
    long[] total = {0};
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(null)) {
      List<TopicPartition> partitions = partitions(consumer, deadLetters);
      if (partitions.isEmpty()) {
        System.out.println("No topic " + deadLetters + ": nothing was dead-lettered.");
        return 0;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      readToEnd(
          consumer,
          partitions,
          r -> {
            total[0]++;
            newest.addLast(r);
            if (newest.size() > limit) {
              newest.removeFirst();
            }
          });
    }
    System.out.printf(
        "%d dead letters on %s%s%n",
        total[0],
        deadLetters,
        total[0] > newest.size() ? " (the newest " + newest.size() + " below)" : "");
    for (ConsumerRecord<byte[], byte[]> r : newest) {
      System.out.printf(
          "%s  %d@%d  %s%n    %s%n",
          Instant.ofEpochMilli(r.timestamp()),
          r.partition(),
          r.offset(),
          r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8),
          header(r, "dead-letter-reason"));
    }
    return 0;
  }

  private int redrive(String deadLetters, String target) throws Exception {
    long sent = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(GROUP);
        KafkaProducer<byte[], byte[]> producer =
            kafka.producer(
                Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                    16 << 20,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG,
                    "zstd"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      List<TopicPartition> partitions = partitions(consumer, deadLetters);
      if (partitions.isEmpty()) {
        System.out.println("No topic " + deadLetters + ": nothing to send back.");
        return 0;
      }
      consumer.assign(partitions);
      // From where the last redrive stopped, or from the start.
      Map<TopicPartition, OffsetAndMetadata> done = consumer.committed(new HashSet<>(partitions));
      for (TopicPartition p : partitions) {
        OffsetAndMetadata at = done.get(p);
        if (at == null) {
          consumer.seekToBeginning(List.of(p));
        } else {
          consumer.seek(p, at.offset());
        }
      }
      Map<TopicPartition, OffsetAndMetadata> progress = new HashMap<>();
      long[] count = {0};
      readToEnd(
          consumer,
          partitions,
          r -> {
            RecordHeaders headers = new RecordHeaders();
            for (Header h : r.headers()) {
              if (!h.key().startsWith(DEAD_LETTER_PREFIX)) {
                headers.add(h);
              }
            }
            String to = header(r, "dead-letter-topic");
            try {
              producer
                  .send(
                      new ProducerRecord<>(
                          to.isEmpty() ? target : to, null, r.key(), r.value(), headers))
                  .get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(
                  "could not send " + r.partition() + "@" + r.offset() + " back: " + e, e);
            }
            count[0]++;
            progress.put(
                new TopicPartition(r.topic(), r.partition()),
                new OffsetAndMetadata(r.offset() + 1));
            consumer.commitSync(progress);
          });
      sent = count[0];
    }
    System.out.printf("Sent %d dead letters back to %s%n", sent, target);
    return 0;
  }

  private KafkaConsumer<byte[], byte[]> consumer(String group) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    if (group != null) {
      config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    return kafka.consumer(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  /** Reads every partition up to where it ended when reading began. */
  private static void readToEnd(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
          each.accept(r);
        }
      }
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }
}
