package dev.rag.ingest.parse;

/** A file that yields nothing: unsupported type, not text, a broken PDF. The message says why. */
public class UnreadableFileException extends RuntimeException {

  public UnreadableFileException(String reason) {
    super(reason);
  }

  public UnreadableFileException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
