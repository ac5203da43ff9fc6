package dev.rag.auth;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** An {@link AuthConfig} with the values a test gives. */
record TestAuthConfig(
    boolean enabled, Optional<String> keys, int perMinute, int burst, int maxInFlight)
    implements AuthConfig {

  static TestAuthConfig keys(String inline) {
    return new TestAuthConfig(true, Optional.of(inline), 1, 3, 2);
  }

  @Override
  public Optional<List<Path>> keysFile() {
    return Optional.empty();
  }

  @Override
  public Optional<String> serviceKey() {
    return Optional.empty();
  }

  @Override
  public RateLimit rateLimit() {
    return new RateLimit() {
      @Override
      public int requestsPerMinute() {
        return perMinute;
      }

      @Override
      public int burst() {
        return burst;
      }
    };
  }

  @Override
  public Concurrency concurrency() {
    return () -> maxInFlight;
  }

  @Override
  public String errorStyle() {
    return "problem";
  }

  @Override
  public String defaultTenant() {
    return "default";
  }
}
