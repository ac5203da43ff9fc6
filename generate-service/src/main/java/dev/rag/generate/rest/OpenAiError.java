package dev.rag.generate.rest;

/** An error in OpenAI's shape: {@code {"error": {"message", "type", "param", "code"}}}. */
public record OpenAiError(Body error) {

  /** The error itself. */
  public record Body(String message, String type, String param, String code) {}

  public static OpenAiError invalidRequest(String message, String param) {
    return new OpenAiError(new Body(message, "invalid_request_error", param, null));
  }

  public static OpenAiError server(String message, String code) {
    return new OpenAiError(new Body(message, "server_error", null, code));
  }
}
