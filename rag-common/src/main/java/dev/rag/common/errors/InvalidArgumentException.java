package dev.rag.common.errors;

/**
 * The input is wrong: sending it again cannot help. {@link #field()} names the field in error as
 * the contract spells it; the doors answer INVALID_ARGUMENT with field details, HTTP 400, or a dead
 * letter.
 */
public class InvalidArgumentException extends RuntimeException {

  private final String field;

  public InvalidArgumentException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The field in error (e.g. {@code text}, {@code top_k}). */
  public String field() {
    return field;
  }
}
