package dev.rag.retrieve;

/** A query breaks the contract; {@link #field()} names the field in error. */
public class InvalidQueryException extends RuntimeException {

  private final String field;

  public InvalidQueryException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
