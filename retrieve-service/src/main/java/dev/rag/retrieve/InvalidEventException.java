package dev.rag.retrieve;

/** An event can never be indexed as it is; it belongs in the dead-letter topic. */
public class InvalidEventException extends RuntimeException {

  public InvalidEventException(String message) {
    super(message);
  }
}
