package dev.rag.retrieve;

import dev.rag.common.errors.InvalidArgumentException;

/** A query breaks the contract; {@link #field()} names the field in error. */
public class InvalidQueryException extends InvalidArgumentException {

  public InvalidQueryException(String field, String message) {
    super(field, message);
  }
}
