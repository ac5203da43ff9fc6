package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests in flight per API key, at most {@code rag.auth.concurrency.max-in-flight}. Keys with the
 * service role pass (their callers were limited at the edge). Counters exist only for configured
 * keys, so their number is bounded.
 */
@ApplicationScoped
public class ConcurrencyLimiter {

  /** A place taken by one request; give it back once, when the request ends. */
  public interface Permit {
    /** Gives the place back; later calls do nothing. */
    void release();
  }

  private static final Permit UNLIMITED = () -> {};

  private final int max;
  private final ConcurrentMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  ConcurrencyLimiter(AuthConfig config) {
    this.max = Math.max(1, config.concurrency().maxInFlight());
  }

  /** The most requests one key may have in flight. */
  public int max() {
    return max;
  }

  /** The requests of the key named {@code keyId} in flight now. */
  public int inFlight(String keyId) {
    AtomicInteger count = inFlight.get(keyId);
    return count == null ? 0 : count.get();
  }

  /**
   * Takes a place for one request of {@code caller} (null: an anonymous or unknown key, left to
   * authentication).
   *
   * @return the place to release when the request ends, or null when the key has {@link #max()}
   *     requests in flight already
   */
  public Permit acquire(ApiKeys.Caller caller) {
    if (caller == null || caller.isService()) {
      return UNLIMITED;
    }
    AtomicInteger count = inFlight.computeIfAbsent(caller.keyId(), id -> new AtomicInteger());
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return null;
    }
    AtomicBoolean released = new AtomicBoolean();
    return () -> {
      if (released.compareAndSet(false, true)) {
        count.decrementAndGet();
      }
    };
  }
}
