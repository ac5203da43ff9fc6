package dev.rag.ingest;

import java.util.Locale;

/** Where a document version is in the pipeline, as its newest status says. */
public enum DocumentState {
  /** Durable on the documents topic. */
  ACCEPTED,
  /** Split into chunks, on the chunks topic. */
  CHUNKED,
  /** Every chunk has its vector, on the embeddings topic. */
  EMBEDDED,
  /** Every chunk is searchable and the older versions are gone. */
  INDEXED,
  /** A stage could not process it; the status's reason says why. */
  FAILED,
  /** Every point of the document was removed. */
  DELETED,
  /** A deletion is on the documents topic; the document's points are being removed. */
  DELETING,
  /** A state this build does not know (a newer writer's). */
  UNKNOWN;

  /** The state's name in the HTTP API and the command line: lower case, e.g. {@code indexed}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a document in this state counts against its tenant's quotas. */
  public boolean stored() {
    return this != DELETED && this != FAILED;
  }
}
