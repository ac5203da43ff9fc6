package dev.rag.common.errors;

/**
 * A quota or limit of the caller's is used up (documents, bytes): the message names it. The doors
 * answer RESOURCE_EXHAUSTED or HTTP 403/429.
 */
public class ResourceExhaustedException extends RuntimeException {

  public ResourceExhaustedException(String message) {
    super(message);
  }
}
