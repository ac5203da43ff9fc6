package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tenant a call acts for. Until API keys map callers to tenants, every call acts for the
 * configured tenant; requests never name their tenant themselves.
 */
@ApplicationScoped
public class TenantContext {

  private final IngestConfig config;

  TenantContext(IngestConfig config) {
    this.config = config;
  }

  /** The caller's tenant. */
  public String current() {
    return config.tenant();
  }
}
