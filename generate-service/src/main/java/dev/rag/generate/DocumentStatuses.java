package dev.rag.generate;

import java.util.Optional;

/** Where a tenant's document is in the pipeline, as ingest-service knows it. */
public interface DocumentStatuses {

  /**
   * A document's status.
   *
   * @param state {@code accepted}, {@code chunked}, {@code embedded}, {@code indexed}, {@code
   *     failed}, {@code deleting} or {@code deleted}
   * @param reason why it failed; empty otherwise
   * @param model the embedding model of its vectors, from {@code embedded} on; empty before
   * @param pages its pages, 0 when not paged or not known
   * @param updatedAtMs when the status last changed, epoch milliseconds (0: not known)
   */
  record Status(
      String documentId,
      String source,
      String version,
      String state,
      int chunks,
      String reason,
      String model,
      String title,
      String format,
      int pages,
      long updatedAtMs) {}

  /**
   * The status of the tenant's document {@code documentId} in {@code source} (blank: the default
   * source); empty when ingest-service knows no such document.
   *
   * @throws StatusUnavailableException when ingest-service cannot answer now, or refuses this
   *     service
   */
  Optional<Status> status(String tenant, String source, String documentId);
}
