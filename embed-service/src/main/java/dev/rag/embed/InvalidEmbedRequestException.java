package dev.rag.embed;

/** An embed request breaks a limit; {@link #field()} names the field in error. */
public class InvalidEmbedRequestException extends RuntimeException {

  private final String field;

  public InvalidEmbedRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
