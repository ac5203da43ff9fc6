package dev.rag.common;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Outgoing event records as every service writes them: keyed, protobuf, labelled as such, and
 * carrying the trace they were written in ({@code traceparent}, W3C trace context) when tracing is
 * on, so the next stage's work joins the same trace.
 */
public final class EventMessages {

  private static final TextMapSetter<RecordHeaders> HEADER_SETTER =
      (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
      };

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
    // A no-op outside a recorded span (tracing off): nothing is added.
    W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, HEADER_SETTER);
    return Message.of(value)
        .addMetadata(
            OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(headers)
                .build());
  }
}
