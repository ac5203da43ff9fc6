package dev.rag.ingest;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Port: the status of every document as the pipeline reported it (read from the status topic, in
 * {@code status/}), which answers status calls, tells an unchanged version and counts quotas.
 */
public interface StatusStore {

  /** The newest status of the document with {@code key}. */
  Optional<DocumentStatus> get(String key);

  /** Applies a status this instance wrote, before the status topic brings it back. */
  void apply(DocumentStatus status);

  /**
   * A page of {@code tenant}'s documents in key order (source, then id): those {@code keep} takes,
   * after the document {@code after} names (its {@code source/id}; null: from the first), of one
   * source or of all (null). Stops at {@code limit} documents or {@code maxScanned} examined,
   * whichever comes first; then the page says where the next one starts.
   */
  Page list(
      String tenant,
      String source,
      String after,
      int limit,
      int maxScanned,
      Predicate<DocumentStatus> keep);

  /**
   * A page of documents.
   *
   * @param documents the documents, in key order
   * @param next the {@code source/id} to list after for the next page; null when this is the last
   * @param complete false when the statuses could not be read (the store is starting)
   */
  record Page(List<DocumentStatus> documents, String next, boolean complete) {}

  /** What {@code tenant} stores, as far as this instance knows. */
  Usage usage(String tenant);

  /**
   * Completes with true once every status written for the document by any instance up to now is
   * applied; false when that cannot be known in time (the caller then does not rely on it).
   */
  Uni<Boolean> caughtUpWith(String key);

  /**
   * What a tenant stores: its documents that are neither deleted nor failed, and their text.
   *
   * @param documents how many
   * @param bytes their text in UTF-8 bytes
   */
  record Usage(long documents, long bytes) {
    public static final Usage NONE = new Usage(0, 0);
  }
}
