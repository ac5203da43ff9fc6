package dev.rag.auth;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** What the health endpoints tell their (unauthenticated) callers, under {@code rag.health.*}. */
@ConfigMapping(prefix = "rag.health")
public interface HealthConfig {

  /**
   * Whether health responses carry each check's data (error messages, exception classes and texts,
   * hosts). Default: shown in dev and test mode, hidden in production, where anyone who can reach
   * the port may read them; the causes are logged either way.
   */
  Optional<Boolean> details();
}
