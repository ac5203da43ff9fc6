package dev.rag.generate;

/** A chat request breaks the contract; {@link #field()} names the field in error. */
public class InvalidChatRequestException extends RuntimeException {

  private final String field;

  public InvalidChatRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
