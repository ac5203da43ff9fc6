package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Applies {@link RateLimiter} before any work: HTTP answers 429 with {@code Retry-After} (in the
 * service's error shape), gRPC closes the call with RESOURCE_EXHAUSTED and a {@code retry-after}
 * trailer.
 */
@ApplicationScoped
@GlobalInterceptor
public class RateLimitFilters implements ServerInterceptor {

  static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

  private final RateLimiter limiter;
  private final boolean openAiErrors;

  RateLimitFilters(RateLimiter limiter, AuthConfig config) {
    this.limiter = limiter;
    this.openAiErrors = "openai".equalsIgnoreCase(config.errorStyle());
  }

  void onRouter(@Observes Router router) {
    router
        .route()
        .order(-1000)
        .handler(
            rc -> {
              String type = rc.request().getHeader("Content-Type");
              if (type != null && type.startsWith("application/grpc")) {
                rc.next(); // gRPC on the same port: limited once, by the interceptor below
                return;
              }
              String key = ApiKeys.bearer(rc.request().getHeader("Authorization"));
              long wait = key == null ? 0 : limiter.acquire(key);
              if (wait == 0) {
                rc.next();
                return;
              }
              String message = "rate limit exceeded for this API key; retry in " + wait + " s";
              String body =
                  openAiErrors
                      ? "{\"error\":{\"message\":\""
                          + message
                          + "\",\"type\":\"rate_limit_error\",\"param\":null,"
                          + "\"code\":\"rate_limited\"}}"
                      : "{\"type\":\"urn:rag:problem:rate-limited\",\"title\":\"Too many"
                          + " requests\",\"status\":429,\"detail\":\""
                          + message
                          + "\"}";
              rc.response()
                  .setStatusCode(429)
                  .putHeader("Retry-After", Long.toString(wait))
                  .putHeader(
                      "Content-Type",
                      openAiErrors ? "application/json" : "application/problem+json")
                  .end(body);
            });
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String key = ApiKeys.bearer(headers.get(BearerGrpcMechanism.AUTHORIZATION));
    long wait = key == null ? 0 : limiter.acquire(key);
    if (wait == 0) {
      return next.startCall(call, headers);
    }
    Metadata trailers = new Metadata();
    trailers.put(RETRY_AFTER, Long.toString(wait));
    Status refused =
        Status.RESOURCE_EXHAUSTED.withDescription(
            "rate limit exceeded for this API key; retry in " + wait + " s");
    // Refused once the request has arrived: closing a stream the client is still writing would
    // reach it as a reset (UNAVAILABLE) instead of this status.
    call.request(1);
    return new ServerCall.Listener<>() {
      private boolean closed;

      @Override
      public void onMessage(Q message) {
        call.request(1);
      }

      @Override
      public void onHalfClose() {
        if (!closed) {
          closed = true;
          call.close(refused, trailers);
        }
      }
    };
  }
}
