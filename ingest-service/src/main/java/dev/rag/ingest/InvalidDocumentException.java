package dev.rag.ingest;

/** A submitted document breaks a rule; {@link #field()} names the field in error. */
public class InvalidDocumentException extends RuntimeException {

  private final String field;

  public InvalidDocumentException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The field in error, as named in the HTTP and gRPC contracts (e.g. {@code text}). */
  public String field() {
    return field;
  }
}
