package dev.rag.ingest;

import dev.rag.auth.Callers;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The tenant a call acts for: the one its API key belongs to (with authentication off, the
 * configured default). Requests never name their tenant themselves.
 */
@ApplicationScoped
public class TenantContext {

  private final Callers callers;

  TenantContext(Callers callers) {
    this.callers = callers;
  }

  /** The caller's tenant. */
  public String current() {
    return callers.tenant();
  }
}
