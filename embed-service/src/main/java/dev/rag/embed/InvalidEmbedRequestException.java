package dev.rag.embed;

import dev.rag.common.errors.InvalidArgumentException;

/** An embed request breaks a limit; {@link #field()} names the field in error. */
public class InvalidEmbedRequestException extends InvalidArgumentException {

  public InvalidEmbedRequestException(String field, String message) {
    super(field, message);
  }
}
