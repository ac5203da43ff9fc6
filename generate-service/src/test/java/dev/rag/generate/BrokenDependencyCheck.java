package dev.rag.generate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A readiness check of a dependency that is down, enabled only where a test asks for it: one check
 * fails by throwing, the way an unexpected error surfaces; the other reports the error in its data.
 * Both carry internal detail a caller outside must not see.
 */
@Alternative
@Readiness
@ApplicationScoped
public class BrokenDependencyCheck implements HealthCheck {

  /** What no response of a production health endpoint may contain. */
  static final String SECRET = "db-7.internal.example:5432 password authentication failed";

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("broken-dependency").down().withData("error", SECRET).build();
  }

  /** A check that throws. */
  @Alternative
  @Readiness
  @ApplicationScoped
  public static class Throwing implements HealthCheck {
    @Override
    public HealthCheckResponse call() {
      throw new IllegalStateException(SECRET);
    }
  }
}
