package dev.rag.ingest;

import io.smallrye.mutiny.Uni;
import java.util.Optional;

/**
 * Port: the status of every document as the pipeline reported it (read from the status topic, in
 * {@code status/}), which answers status calls, tells an unchanged version and counts quotas.
 */
public interface StatusStore {

  /** The newest status of the document with {@code key}. */
  Optional<DocumentStatus> get(String key);

  /** Applies a status this instance wrote, before the status topic brings it back. */
  void apply(DocumentStatus status);

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
