package dev.rag.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * The API key the CLI presents ({@code RAG_API_KEY}; {@code ./rag} passes the one it generated): on
 * HTTP requests built with {@link #request(URI)} and on every gRPC call.
 */
@ApplicationScoped
@GlobalInterceptor
public class ApiKey implements ClientInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  static String key() {
    String key = System.getenv("RAG_API_KEY");
    return key == null || key.isBlank() ? null : key.strip();
  }

  /** A request to {@code uri} carrying the key, when there is one. */
  static HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    String key = key();
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    String key = key();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        if (key != null) {
          headers.put(AUTHORIZATION, "Bearer " + key);
        }
        super.start(listener, headers);
      }
    };
  }
}
