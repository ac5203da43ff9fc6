package dev.rag.ingest.status;

import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;

/**
 * The newest truth about a document from the statuses its stages report: ordered by the sequence of
 * the documents-topic record they are about, and within one record by how far along its way a state
 * is; records without a sequence are ordered by the version they name.
 */
final class StatusMerge {

  private StatusMerge() {}

  /**
   * The newer of two status records of one document. Records carry the sequence (the offset on the
   * documents topic) of the version or deletion they are about: a higher sequence wins, so a late
   * report about an earlier version or deletion never replaces a later one; within one sequence a
   * state never moves back (a failure is always taken). Records without a sequence (written by
   * older instances) are ordered by version as before.
   */
  static DocumentStatus merge(DocumentStatus current, DocumentStatus update) {
    if (current == null) {
      return update;
    }
    if (update.hasSequence() && current.hasSequence()) {
      if (update.getSequence() != current.getSequence()) {
        return update.getSequence() > current.getSequence() ? update : current;
      }
      return progress(current, update);
    }
    if (update.hasSequence()) {
      return update;
    }
    return mergeUnordered(current, update);
  }

  /** Two reports about the same record of the documents topic. */
  private static DocumentStatus progress(DocumentStatus current, DocumentStatus update) {
    // "Accepted" is published once the record is on the topic, so the pipeline may report on the
    // same record (chunked, or failed) before it: it never undoes what came after it.
    boolean lateAccepted =
        update.getState() == DocumentState.DOCUMENT_STATE_ACCEPTED
            && current.getState() != DocumentState.DOCUMENT_STATE_ACCEPTED;
    if (lateAccepted
        || (update.getState() != DocumentState.DOCUMENT_STATE_FAILED
            && current.getState() != DocumentState.DOCUMENT_STATE_FAILED
            && rank(update.getState()) < rank(current.getState()))) {
      // A late "accepted" still brings the version's size (and what describes it), which later
      // states do not carry.
      if ((current.getBytes() != 0 || update.getBytes() == 0) && described(current)) {
        return current;
      }
      DocumentStatus.Builder kept = current.toBuilder();
      if (current.getBytes() == 0) {
        kept.setBytes(update.getBytes());
      }
      describe(kept, update);
      return kept.build();
    }
    DocumentStatus.Builder merged = update.toBuilder();
    if (update.getVersion().isEmpty()) {
      merged.setVersion(current.getVersion());
    }
    if (update.getChunks() == 0) {
      merged.setChunks(current.getChunks());
    }
    if (update.getBytes() == 0) {
      merged.setBytes(current.getBytes());
    }
    describe(merged, current);
    return merged.build();
  }

  /** Whether the record says what the version is (its title, format or pages). */
  private static boolean described(DocumentStatus s) {
    return !s.getTitle().isEmpty() || !s.getFormat().isEmpty() || s.getPages() != 0;
  }

  /** Gives {@code merged} the description of {@code from} when it has none of its own. */
  private static void describe(DocumentStatus.Builder merged, DocumentStatus from) {
    if (merged.getTitle().isEmpty() && merged.getFormat().isEmpty() && merged.getPages() == 0) {
      merged.setTitle(from.getTitle()).setFormat(from.getFormat()).setPages(from.getPages());
    }
  }

  /** How far along its record's way a state is (a version's and a deletion's are apart). */
  private static int rank(DocumentState state) {
    return switch (state) {
      case DOCUMENT_STATE_ACCEPTED, DOCUMENT_STATE_DELETING -> 1;
      case DOCUMENT_STATE_CHUNKED, DOCUMENT_STATE_DELETED -> 2;
      case DOCUMENT_STATE_EMBEDDED -> 3;
      case DOCUMENT_STATE_INDEXED -> 4;
      default -> 0;
    };
  }

  /** A record without a sequence: ordered by the version it names, as before sequences. */
  private static DocumentStatus mergeUnordered(DocumentStatus current, DocumentStatus update) {
    DocumentState state = update.getState();
    if (state == DocumentState.DOCUMENT_STATE_ACCEPTED
        || state == DocumentState.DOCUMENT_STATE_DELETED
        || state == DocumentState.DOCUMENT_STATE_DELETING) {
      // A new version (or the same one submitted again) starts over; a deletion ends it.
      return update;
    }
    boolean sameVersion =
        update.getVersion().isEmpty() || update.getVersion().equals(current.getVersion());
    if (!sameVersion
        || current.getState() == DocumentState.DOCUMENT_STATE_DELETED
        || current.getState() == DocumentState.DOCUMENT_STATE_DELETING) {
      return current;
    }
    if (state != DocumentState.DOCUMENT_STATE_FAILED
        && current.getState() != DocumentState.DOCUMENT_STATE_FAILED
        && state.getNumber() < current.getState().getNumber()) {
      return current;
    }
    DocumentStatus.Builder merged = update.toBuilder().setVersion(current.getVersion());
    if (current.hasSequence()) {
      merged.setSequence(current.getSequence());
    }
    if (update.getChunks() == 0) {
      merged.setChunks(current.getChunks());
    }
    if (update.getBytes() == 0) {
      merged.setBytes(current.getBytes());
    }
    describe(merged, current);
    return merged.build();
  }
}
