package dev.rag.generate;

import dev.rag.common.errors.InvalidArgumentException;

/** A chat request breaks the contract; {@link #field()} names the field in error. */
public class InvalidChatRequestException extends InvalidArgumentException {

  public InvalidChatRequestException(String field, String message) {
    super(field, message);
  }
}
