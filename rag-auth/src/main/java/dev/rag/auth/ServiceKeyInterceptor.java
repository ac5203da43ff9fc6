package dev.rag.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/** Every gRPC call this service makes presents its service key ({@code rag.auth.service-key}). */
@ApplicationScoped
@GlobalInterceptor
public class ServiceKeyInterceptor implements ClientInterceptor {

  private final String header;

  ServiceKeyInterceptor(AuthConfig config) {
    this.header = config.serviceKey().map(k -> "Bearer " + k.strip()).orElse(null);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        if (header != null) {
          headers.put(BearerGrpcMechanism.AUTHORIZATION, header);
        }
        super.start(listener, headers);
      }
    };
  }
}
