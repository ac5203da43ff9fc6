package dev.rag.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** API-key authentication, under {@code rag.auth.*}. */
@ConfigMapping(prefix = "rag.auth")
public interface AuthConfig {

  /**
   * Whether calls must present a key. Off only for development and tests: a call without a key then
   * acts as a development identity of {@link #defaultTenant()} (ingest, query and admin there;
   * never the service role).
   */
  @WithDefault("true")
  boolean enabled();

  /** Files of key entries (one per line; e.g. mounted Kubernetes Secrets), comma-separated. */
  Optional<List<Path>> keysFile();

  /** Key entries inline, separated by {@code ;} (see {@code ApiKeys}). */
  Optional<String> keys();

  /** The key this service presents when it calls another service (a key with role service). */
  Optional<String> serviceKey();

  /** Per-key rate limits (service keys are not limited: their callers were, at the edge). */
  RateLimit rateLimit();

  /** Per-key rate limits. */
  interface RateLimit {
    /** Requests a key may make per minute, on average. */
    @WithDefault("1200")
    int requestsPerMinute();

    /** Requests a key may make at once after a quiet spell. */
    @WithDefault("200")
    int burst();
  }

  /** Per-key limits on requests in flight (service keys are exempt, as from the rate limit). */
  Concurrency concurrency();

  /** Per-key limits on requests in flight. */
  interface Concurrency {
    /**
     * Requests one key may have in flight at once, over HTTP and gRPC together (a streamed answer
     * counts until its last event). Past it HTTP answers 429, gRPC RESOURCE_EXHAUSTED: the rate
     * limit bounds how often a key may ask, this bounds how much work it holds at a time.
     */
    @WithDefault("16")
    int maxInFlight();
  }

  /** The shape of HTTP errors this service answers with: {@code openai} or {@code problem}. */
  @WithDefault("problem")
  String errorStyle();

  /** The tenant calls act for when authentication is off. */
  @WithDefault("default")
  String defaultTenant();
}
