package dev.rag.e2e;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1, standing in for a collector: it takes the services'
 * real exports ({@code POST /v1/traces}, protobuf; any path is taken) and keeps every span.
 */
final class OtlpReceiver implements AutoCloseable {

  /**
   * One received span.
   *
   * @param service the exporting process's {@code service.name}
   * @param parentSpanId empty for a trace's root
   */
  record Span(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      String kind,
      Map<String, String> attributes) {}

  private final HttpServer server;
  private final List<Span> spans = new CopyOnWriteArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  static OtlpReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream raw = exchange.getRequestBody()) {
            InputStream body =
                "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(raw)
                    : raw;
            receiver.take(ExportTraceServiceRequest.parseFrom(body));
            byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(ok);
            }
          } catch (IOException | RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
    return receiver;
  }

  /** The endpoint to export to: {@code http://127.0.0.1:<port>}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Every span received so far. */
  List<Span> spans() {
    return List.copyOf(spans);
  }

  /** The spans of one trace. */
  List<Span> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  private void take(ExportTraceServiceRequest request) {
    HexFormat hex = HexFormat.of();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service = "";
      for (KeyValue kv : resource.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          service = kv.getValue().getStringValue();
        }
      }
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (var span : scope.getSpansList()) {
          Map<String, String> attributes = new LinkedHashMap<>();
          for (KeyValue kv : span.getAttributesList()) {
            attributes.put(kv.getKey(), text(kv.getValue()));
          }
          spans.add(
              new Span(
                  service,
                  hex.formatHex(span.getTraceId().toByteArray()),
                  hex.formatHex(span.getSpanId().toByteArray()),
                  hex.formatHex(span.getParentSpanId().toByteArray()),
                  span.getName(),
                  span.getKind().name(),
                  attributes));
        }
      }
    }
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      default -> value.toString();
    };
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** For a failure message: each span as service/name (parent). */
  static String describe(List<Span> spans) {
    List<String> lines = new ArrayList<>();
    for (Span s : spans) {
      lines.add(s.service() + " " + s.name() + " " + s.spanId() + " <- " + s.parentSpanId());
    }
    return String.join("\n", lines);
  }
}
