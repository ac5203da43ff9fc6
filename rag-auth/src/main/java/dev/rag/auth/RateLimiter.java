package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One token bucket per API key (Bucket4j): {@code burst} requests at once, refilled at {@code
 * requests-per-minute}. Keys with the service role pass: their callers were limited at the edge.
 * Buckets exist only for configured keys, so their number is bounded.
 */
@ApplicationScoped
public class RateLimiter {

  private final Bandwidth limit;
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(AuthConfig config) {
    int perMinute = Math.max(1, config.rateLimit().requestsPerMinute());
    int burst = Math.max(1, config.rateLimit().burst());
    this.limit =
        Bandwidth.builder()
            .capacity(burst)
            .refillGreedy(perMinute, Duration.ofMinutes(1))
            .initialTokens(burst)
            .build();
  }

  /**
   * Takes one request from the caller's bucket.
   *
   * @param caller whose key was presented; null for an anonymous or unknown key
   * @return 0 when the request may go on, else the seconds to wait before retrying
   */
  public long acquire(ApiKeys.Caller caller) {
    if (caller == null || caller.isService()) {
      return 0; // Unknown keys are refused by authentication; services are not limited.
    }
    Bucket bucket =
        buckets.computeIfAbsent(caller.keyId(), id -> Bucket.builder().addLimit(limit).build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return 0;
    }
    return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
  }
}
