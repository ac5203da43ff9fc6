package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The configured API keys, loaded once. Refuses to start when authentication is on and no key is
 * configured.
 */
@ApplicationScoped
public class KeyRegistry {

  private static final Logger LOG = Logger.getLogger(KeyRegistry.class);

  private final ApiKeys keys;
  private final boolean enabled;

  KeyRegistry(AuthConfig config) {
    this.enabled = config.enabled();
    this.keys = ApiKeys.loadAll(config.keysFile().orElse(List.of()), config.keys());
    if (enabled && keys.size() == 0) {
      throw new IllegalStateException(
          "Authentication is on but no API key is configured: set rag.auth.keys-file"
              + " (RAG_AUTH_KEYS_FILE) to a file of '<id> <sha256-hex> <tenant> <roles>' lines, or"
              + " rag.auth.enabled=false for a development setup");
    }
    if (enabled) {
      LOG.infof("API keys required; %d keys known", keys.size());
    } else {
      LOG.warnf(
          "Authentication is OFF: every call acts for tenant '%s' (ingest, query, admin, operator)",
          config.defaultTenant());
    }
  }

  /** Whether calls must present a key. */
  public boolean enabled() {
    return enabled;
  }

  /** The caller a presented key belongs to; empty when authentication is off or it is unknown. */
  public Optional<ApiKeys.Caller> caller(String key) {
    return enabled ? keys.authenticate(key) : Optional.empty();
  }
}
