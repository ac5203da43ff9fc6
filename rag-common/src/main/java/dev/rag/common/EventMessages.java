package dev.rag.common;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Outgoing event records as every service writes them: keyed, protobuf, labelled as such. */
public final class EventMessages {

  private EventMessages() {}

  /**
   * A message for a SmallRye Kafka emitter: {@code value} under {@code key}, with the header {@code
   * content-type: application/x-protobuf}.
   */
  public static Message<byte[]> protobuf(String key, byte[] value) {
    return protobuf(key, value, Map.of());
  }

  /** The same, with extra headers. */
  public static Message<byte[]> protobuf(
      String key, byte[] value, Map<String, String> extraHeaders) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(Topics.CONTENT_TYPE_HEADER, Topics.PROTOBUF.getBytes(StandardCharsets.UTF_8));
    extraHeaders.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    return Message.of(value)
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(headers)
                .build());
  }
}
