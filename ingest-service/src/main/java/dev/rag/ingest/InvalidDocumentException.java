package dev.rag.ingest;

import dev.rag.common.errors.InvalidArgumentException;

/** A submitted document breaks a rule; {@link #field()} names the field in error. */
public class InvalidDocumentException extends InvalidArgumentException {

  public InvalidDocumentException(String field, String message) {
    super(field, message);
  }
}
