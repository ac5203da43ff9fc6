package dev.rag.embed.kafka;

import dev.rag.common.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends one unreadable record of a batch to {@code rag.chunks.v1.dlq}, with the same headers
 * SmallRye's dead-letter queue writes ({@code dead-letter-reason}, {@code -topic}, {@code
 * -partition}, {@code -offset}), so every DLQ of the project reads alike.
 */
@ApplicationScoped
public class DeadLetterPublisher {

  private final MutinyEmitter<byte[]> deadLetters;

  DeadLetterPublisher(@Channel("chunks-dlq") MutinyEmitter<byte[]> deadLetters) {
    this.deadLetters = deadLetters;
  }

  public Uni<Void> send(ConsumerRecord<String, byte[]> record, String reason) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) {
      headers.add(h);
    }
    headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
    headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
    headers.add(
        "dead-letter-partition",
        Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
    headers.add(
        "dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
    byte[] value = record.value() == null ? new byte[0] : record.value();
    return deadLetters.sendMessage(
        Message.of(value)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withKey(record.key())
                    .withTopic(Topics.deadLetter(Topics.CHUNKS))
                    .withHeaders(headers)
                    .build()));
  }
}
