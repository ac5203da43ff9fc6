package dev.rag.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records the way an external producer would, for tests. */
public final class TopicWriter {

  private TopicWriter() {}

  /** Sends one record and waits for the broker's acknowledgement. */
  public static void send(String bootstrapServers, String topic, String key, byte[] value) {
    send(bootstrapServers, topic, key, value, Map.of());
  }

  /** Sends one record with string headers and waits for the broker's acknowledgement. */
  public static void send(
      String bootstrapServers,
      String topic,
      String key,
      byte[] value,
      Map<String, String> headers) {
    var record = new ProducerRecord<String, byte[]>(topic, key, value);
    headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
    try (var producer =
        new KafkaProducer<String, byte[]>(
            Map.of(
                "bootstrap.servers",
                bootstrapServers,
                // Records as large as the project's topics allow (16 MiB), as a producer may send.
                "max.request.size",
                Integer.toString(16 << 20),
                "compression.type",
                "zstd"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(record).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write to " + topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
