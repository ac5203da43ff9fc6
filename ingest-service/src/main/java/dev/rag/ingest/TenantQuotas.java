package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Per-tenant quotas ({@code ingest.quotas.*}): documents and bytes of text. A new version replaces
 * its document's old one, so it only needs room for the difference.
 */
@ApplicationScoped
public class TenantQuotas {

  private final StatusStore statuses;
  private final long maxDocuments;
  private final long maxBytes;

  TenantQuotas(StatusStore statuses, IngestConfig config) {
    this.statuses = statuses;
    this.maxDocuments = config.quotas().maxDocuments();
    this.maxBytes = config.quotas().maxBytes();
  }

  /**
   * Checks that {@code doc} fits its tenant's quotas.
   *
   * @throws QuotaExceededException when it does not
   */
  public void check(VersionedDocument doc) {
    StatusStore.Usage usage = statuses.usage(doc.tenant());
    Optional<DocumentStatus> known = statuses.get(doc.key());
    boolean counted = known.isPresent() && known.get().state().stored();
    long documents = usage.documents() + (counted ? 0 : 1);
    long bytes = usage.bytes() - (counted ? known.get().bytes() : 0) + doc.textBytes();
    if (documents > maxDocuments) {
      throw new QuotaExceededException(
          "tenant '"
              + doc.tenant()
              + "' already stores "
              + usage.documents()
              + " documents, the most its quota allows (ingest.quotas.max-documents = "
              + maxDocuments
              + "); delete documents or raise the quota");
    }
    if (bytes > maxBytes) {
      throw new QuotaExceededException(
          "tenant '"
              + doc.tenant()
              + "' would store "
              + bytes
              + " bytes of text, over its quota of "
              + maxBytes
              + " (ingest.quotas.max-bytes); delete documents or raise the quota");
    }
  }
}
