package dev.rag.generate;

import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Stands in for ingest-service's statuses in this module's tests (the real one is asked end to
 * end): tenant {@code lab-a} has the indexed document {@code docs/kafka-notes}; a document id
 * containing "outage" fails as an unreachable ingest-service does.
 */
@Mock
@ApplicationScoped
public class InMemoryDocumentStatuses implements DocumentStatuses {

  private volatile String lastTenant;

  /** The tenant of the last lookup. */
  public String lastTenant() {
    return lastTenant;
  }

  @Override
  public Optional<Status> status(String tenant, String source, String documentId) {
    lastTenant = tenant;
    if (documentId.contains("outage")) {
      throw new StatusUnavailableException("ingest-service failed: UNAVAILABLE", null);
    }
    String s = source == null || source.isBlank() ? "default" : source;
    if (tenant.equals("lab-a") && s.equals("docs") && documentId.equals("kafka-notes")) {
      return Optional.of(
          new Status(
              documentId,
              s,
              "v-1",
              "indexed",
              2,
              "",
              "bge-small-en-v1.5-int8",
              "Kafka notes",
              "markdown",
              0,
              1_764_000_000_000L));
    }
    return Optional.empty();
  }
}
