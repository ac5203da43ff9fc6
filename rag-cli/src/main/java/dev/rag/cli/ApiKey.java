package dev.rag.cli;

import dev.rag.cli.config.CliConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * The API key the CLI presents ({@code rag.api-key}, {@code RAG_API_KEY}; {@code ./rag} passes the
 * one it generated): on HTTP requests built with {@link #request(URI)} and on every gRPC call.
 */
@Singleton
@GlobalInterceptor
public class ApiKey implements ClientInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String key;

  @Inject
  ApiKey(CliConfig config) {
    this(config.apiKey());
  }

  /** A key as given; blank means none. */
  public ApiKey(Optional<String> key) {
    this.key = key.map(String::strip).filter(k -> !k.isEmpty()).orElse(null);
  }

  /** A request to {@code uri} carrying the key, when there is one. */
  public HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
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
