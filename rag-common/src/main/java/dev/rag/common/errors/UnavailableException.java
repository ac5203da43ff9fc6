package dev.rag.common.errors;

/**
 * Something this service depends on cannot answer now (a store, another service, a language model):
 * trying again later may help. The doors answer UNAVAILABLE or HTTP 503; a consumer retries with
 * backoff rather than dead-lettering.
 */
public class UnavailableException extends RuntimeException {

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
