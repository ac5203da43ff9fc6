package dev.rag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.pipeline.KafkaClients;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The pipeline's progress as a real broker reports it. */
class PipelineProgressTest {

  @Test
  void countsWhatTheReadingGroupsCommittedAndWhatStillWaitsForThem() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String topic = "rag.progress-" + UUID.randomUUID() + ".v1";
    broker.createTopics(1, List.of(topic, topic + ".dlq"));
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
        // Records on a dead-letter topic are never counted.
        producer.send(new ProducerRecord<>(topic + ".dlq", "k" + i, "v" + i)).get();
      }
    }
    TopicPartition partition = new TopicPartition(topic, 0);
    try (PipelineProgress progress = new PipelineProgress(clients(broker.bootstrapServers()));
        var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    "bootstrap.servers",
                    broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "reader-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false),
                new StringDeserializer(),
                new StringDeserializer())) {
      consumer.subscribe(List.of(topic, topic + ".dlq"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200));
      }
      consumer.commitSync(
          Map.of(
              partition,
              new OffsetAndMetadata(4),
              new TopicPartition(topic + ".dlq", 0),
              new OffsetAndMetadata(3)));

      PipelineProgress.Snapshot first = progress.snapshot();
      assertThat(first).isNotNull();
      assertThat(first.queued()).isEqualTo(6);

      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(10)));
      PipelineProgress.Snapshot second = progress.snapshot();
      assertThat(second.committed() - first.committed()).isEqualTo(6);
      assertThat(second.queued()).isZero();

      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(7)));
      consumer.unsubscribe();
      // A group nobody reads with any more queues nothing, whatever it left behind.
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      PipelineProgress.Snapshot abandoned = progress.snapshot();
      while (abandoned.queued() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        abandoned = progress.snapshot();
      }
      assertThat(abandoned.queued()).isZero();
    }
  }

  @Test
  void aBrokerThatDoesNotAnswerGivesNoFigure() {
    try (PipelineProgress progress =
        new PipelineProgress(clients("127.0.0.1:" + FreePorts.find()))) {
      assertThat(progress.snapshot()).isNull();
      assertThat(progress.snapshot()).isNull();
    }
  }

  private static KafkaClients clients(String bootstrap) {
    return KafkaClients.of(Map.of("bootstrap.servers", bootstrap));
  }
}
