package dev.rag.ingest.status;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the document statuses are loaded: before that, unchanged uploads are not known. */
@Readiness
@ApplicationScoped
public class StatusStoreReadiness implements HealthCheck {

  private final DocumentStatusStore store;

  StatusStoreReadiness(DocumentStatusStore store) {
    this.store = store;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("document-status").status(store.caughtUp());
    store.error().ifPresent(e -> response.withData("error", e));
    return response.build();
  }
}
