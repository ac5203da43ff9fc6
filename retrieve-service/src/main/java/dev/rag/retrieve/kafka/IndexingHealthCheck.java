package dev.rag.retrieve.kafka;

import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * {@code /q/health/well}: down while indexing retries an event, with its key, the last failure and
 * the attempts so far. A wellness check, not readiness: queries are served meanwhile.
 */
@Wellness
@ApplicationScoped
public class IndexingHealthCheck implements HealthCheck {

  private final EmbeddingsListener listener;

  IndexingHealthCheck(EmbeddingsListener listener) {
    this.listener = listener;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("indexing").up();
    listener
        .stall()
        .ifPresent(
            s ->
                response
                    .down()
                    .withData("waiting-for", s.key())
                    .withData("reason", s.reason())
                    .withData("attempts", s.attempts())
                    .withData("since", s.since().toString()));
    return response.build();
  }
}
