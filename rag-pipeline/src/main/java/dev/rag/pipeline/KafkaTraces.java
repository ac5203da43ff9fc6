package dev.rag.pipeline;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Traces across Kafka: a consumer's work on a record becomes a span of the trace the record's
 * {@code traceparent} header names (the one it was written in, see {@code EventMessages}), and what
 * it writes meanwhile carries that span on. With tracing off (the OpenTelemetry SDK disabled, or
 * absent) every span is a no-op.
 */
@ApplicationScoped
public class KafkaTraces {

  private static final TextMapGetter<Headers> HEADER_GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          List<String> keys = new ArrayList<>();
          for (Header h : headers) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public String get(Headers headers, String key) {
          Header h = headers == null ? null : headers.lastHeader(key);
          return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private final Tracer tracer;

  KafkaTraces(Instance<OpenTelemetry> openTelemetry) {
    OpenTelemetry otel = openTelemetry.isResolvable() ? openTelemetry.get() : OpenTelemetry.noop();
    this.tracer = otel.getTracer("dev.rag.pipeline");
  }

  /**
   * Starts the span of processing one record of {@code topic}; make it current ({@link
   * RecordSpan#context()}) around the work and the writes it causes, then end it.
   *
   * @param headers the record's headers, which may carry the trace it belongs to
   */
  public RecordSpan start(String topic, Headers headers) {
    return new RecordSpan(span(topic, headers));
  }

  private Span span(String topic, Headers headers) {
    Context parent =
        W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADER_GETTER);
    return tracer
        .spanBuilder(topic + " process")
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute("messaging.system", "kafka")
        .setAttribute("messaging.destination.name", topic)
        .setAttribute("messaging.operation.type", "process")
        .startSpan();
  }

  /** A record's processing span; ended by {@link #close()}. */
  public static final class RecordSpan implements AutoCloseable {
    private final Span span;

    RecordSpan(Span span) {
      this.span = span;
    }

    /** The span's context, to make current around the record's work and writes. */
    public Context context() {
      return Context.root().with(span);
    }

    /** Marks the processing failed, with the reason. */
    public void failed(Throwable e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.toString());
    }

    /** Marks the processing failed, with the reason. */
    public void failed(String reason) {
      span.setStatus(StatusCode.ERROR, reason);
    }

    @Override
    public void close() {
      span.end();
    }
  }
}
