package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Applies {@link RateLimiter} and {@link ConcurrencyLimiter} before any work: HTTP answers 429 with
 * {@code Retry-After} (in the service's error shape), gRPC closes the call with RESOURCE_EXHAUSTED
 * and a {@code retry-after} trailer.
 */
@ApplicationScoped
@GlobalInterceptor
public class RateLimitFilters implements ServerInterceptor {

  static final Metadata.Key<String> RETRY_AFTER =
      Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

  private final KeyRegistry keys;
  private final RateLimiter limiter;
  private final ConcurrencyLimiter concurrency;
  private final boolean openAiErrors;

  RateLimitFilters(
      KeyRegistry keys, RateLimiter limiter, ConcurrencyLimiter concurrency, AuthConfig config) {
    this.keys = keys;
    this.limiter = limiter;
    this.concurrency = concurrency;
    this.openAiErrors = "openai".equalsIgnoreCase(config.errorStyle());
  }

  /**
   * Whether a request is a genuine gRPC call, which the gRPC server takes and the interceptor below
   * limits: HTTP/2, POST, {@code application/grpc}. Anything else claiming that content type is an
   * ordinary HTTP request and is limited here.
   */
  static boolean isGrpc(HttpServerRequest request) {
    String type = request.getHeader("Content-Type");
    return request.version() == HttpVersion.HTTP_2
        && request.method() == HttpMethod.POST
        && type != null
        && type.startsWith("application/grpc");
  }

  void onRouter(@Observes Router router) {
    router.route().order(-1000).handler(this::limit);
  }

  private void limit(RoutingContext rc) {
    if (isGrpc(rc.request())) {
      rc.next();
      return;
    }
    ApiKeys.Caller caller = caller(ApiKeys.bearer(rc.request().getHeader("Authorization")));
    long wait = limiter.acquire(caller);
    if (wait > 0) {
      refuse(
          rc,
          wait,
          "rate limit exceeded for this API key; retry in " + wait + " s",
          "rate-limited");
      return;
    }
    ConcurrencyLimiter.Permit permit = concurrency.acquire(caller);
    if (permit == null) {
      refuse(rc, 1, inFlightMessage(), "too-many-in-flight");
      return;
    }
    // Called when the response ends, fails or its connection closes.
    rc.addEndHandler(done -> permit.release());
    rc.next();
  }

  private String inFlightMessage() {
    return "too many requests in flight for this API key (at most "
        + concurrency.max()
        + " at once); retry when one has finished";
  }

  private void refuse(RoutingContext rc, long retryAfter, String message, String code) {
    String body =
        openAiErrors
            ? "{\"error\":{\"message\":\""
                + message
                + "\",\"type\":\"rate_limit_error\",\"param\":null,"
                + "\"code\":\""
                + code.replace('-', '_')
                + "\"}}"
            : "{\"type\":\"urn:rag:problem:"
                + code
                + "\",\"title\":\"Too many requests\",\"status\":429,\"detail\":\""
                + message
                + "\"}";
    rc.response()
        .setStatusCode(429)
        .putHeader("Retry-After", Long.toString(retryAfter))
        .putHeader("Content-Type", openAiErrors ? "application/json" : "application/problem+json")
        .end(body);
  }

  private ApiKeys.Caller caller(String presentedKey) {
    return presentedKey == null ? null : keys.caller(presentedKey).orElse(null);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ApiKeys.Caller caller = caller(ApiKeys.bearer(headers.get(BearerGrpcMechanism.AUTHORIZATION)));
    long wait = limiter.acquire(caller);
    if (wait > 0) {
      return refuse(call, wait, "rate limit exceeded for this API key; retry in " + wait + " s");
    }
    ConcurrencyLimiter.Permit permit = concurrency.acquire(caller);
    if (permit == null) {
      return refuse(call, 1, inFlightMessage());
    }
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      permit.release();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        permit.release();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        permit.release();
        super.onCancel();
      }
    };
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(
      ServerCall<Q, R> call, long retryAfter, String message) {
    Metadata trailers = new Metadata();
    trailers.put(RETRY_AFTER, Long.toString(retryAfter));
    Status refused = Status.RESOURCE_EXHAUSTED.withDescription(message);
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
