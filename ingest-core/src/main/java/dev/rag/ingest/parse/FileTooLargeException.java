package dev.rag.ingest.parse;

/** A file over a size limit (its bytes, or the documents it holds); the message names the limit. */
public class FileTooLargeException extends UnreadableFileException {

  public FileTooLargeException(String reason) {
    super(reason);
  }
}
