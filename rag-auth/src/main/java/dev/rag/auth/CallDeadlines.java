package dev.rag.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives every inbound gRPC call a {@link Context} that carries the deadline the caller sent ({@code
 * grpc-timeout}) and is cancelled when the caller goes away or the call ends. gRPC served on the
 * HTTP port (Vert.x's server bridge) does neither by itself, so without this a handler could not
 * tell that its caller had given up, and the calls it makes downstream (to embed-service, to
 * Qdrant) would not inherit the deadline nor be cancelled with it.
 *
 * <p>Runs before every other interceptor, so that they and the blocking worker see this context.
 */
@ApplicationScoped
@GlobalInterceptor
public class CallDeadlines implements ServerInterceptor, Prioritized {

  static final Metadata.Key<String> TIMEOUT =
      Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "grpc-deadlines");
            t.setDaemon(true);
            return t;
          });

  /**
   * Whether the current call is no longer wanted: its caller cancelled it or its deadline passed.
   */
  public static boolean abandoned() {
    return Context.current().isCancelled();
  }

  /** The status to end an abandoned call with (nobody reads it; it keeps logs honest). */
  public static Status abandonedStatus() {
    Context context = Context.current();
    return context.getDeadline() != null && context.getDeadline().isExpired()
        ? Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed")
        : Status.CANCELLED.withDescription("the caller cancelled the call");
  }

  /**
   * Above Quarkus's own interceptors (which read it through {@link Prioritized}, not
   * {@code @Priority}): outside the blocking one, which holds back a cancellation until the handler
   * has returned, and before the one that captures the context for the worker thread.
   */
  @Override
  public int getPriority() {
    return Integer.MAX_VALUE;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long timeoutNanos = timeoutNanos(headers.get(TIMEOUT));
    Context.CancellableContext context =
        timeoutNanos < 0
            ? Context.current().withCancellation()
            : Context.current().withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, timer);
    ServerCall.Listener<Q> listener;
    try {
      listener = Contexts.interceptCall(context, call, headers, next);
    } catch (RuntimeException e) {
      context.cancel(e);
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          context.cancel(null);
        }
      }

      @Override
      public void onCancel() {
        // Cancelled first: the handler, and every call it made downstream, see it at once.
        context.cancel(null);
        super.onCancel();
      }
    };
  }

  /**
   * A {@code grpc-timeout} value (up to 8 digits and a unit: H, M, S, m, u, n) in nanoseconds, or
   * -1 when absent or malformed.
   */
  static long timeoutNanos(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return -1;
    }
    long amount;
    try {
      amount = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
    if (amount < 0) {
      return -1;
    }
    TimeUnit unit =
        switch (value.charAt(value.length() - 1)) {
          case 'H' -> TimeUnit.HOURS;
          case 'M' -> TimeUnit.MINUTES;
          case 'S' -> TimeUnit.SECONDS;
          case 'm' -> TimeUnit.MILLISECONDS;
          case 'u' -> TimeUnit.MICROSECONDS;
          case 'n' -> TimeUnit.NANOSECONDS;
          default -> null;
        };
    return unit == null ? -1 : unit.toNanos(amount);
  }

  @PreDestroy
  void close() {
    timer.shutdownNow();
  }
}
