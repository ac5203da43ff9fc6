package dev.rag.common.errors;

/** An error in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}. */
public record OpenAiError(Body error) {

  /** The error itself. */
  public record Body(String message, String type, String param, String code) {}

  public static OpenAiError invalidRequest(String message, String param) {
    return new OpenAiError(new Body(message, "invalid_request_error", param, null));
  }

  /** No key, or one this service does not know (HTTP 401). */
  public static OpenAiError unauthenticated() {
    return new OpenAiError(
        new Body(
            "a valid API key is required (Authorization: Bearer <key>)",
            "authentication_error",
            null,
            "invalid_api_key"));
  }

  /** A key that may not do this (HTTP 403). */
  public static OpenAiError forbidden(String message) {
    return new OpenAiError(
        new Body(
            message == null ? "this API key may not do that" : message,
            "permission_error",
            null,
            "forbidden"));
  }

  public static OpenAiError server(String message, String code) {
    return new OpenAiError(new Body(message, "server_error", null, code));
  }
}
