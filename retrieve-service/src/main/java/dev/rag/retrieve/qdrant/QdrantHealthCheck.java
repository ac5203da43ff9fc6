package dev.rag.retrieve.qdrant;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while Qdrant answers its health check. */
@Readiness
@ApplicationScoped
public class QdrantHealthCheck implements HealthCheck {

  private final QdrantPassageRepository repository;

  QdrantHealthCheck(QdrantPassageRepository repository) {
    this.repository = repository;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("qdrant").status(repository.healthy()).build();
  }
}
