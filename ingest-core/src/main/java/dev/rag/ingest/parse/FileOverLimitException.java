package dev.rag.ingest.parse;

/**
 * A file whose content breaks a limit on reading it (pages, decoded size, elements, time, text);
 * the message names the limit.
 */
public class FileOverLimitException extends UnreadableFileException {

  public FileOverLimitException(String reason, Throwable cause) {
    super(reason, cause);
  }

  public FileOverLimitException(String reason) {
    super(reason);
  }
}
