package dev.rag.generate.llm;

/**
 * One message of a prompt.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param text its text
 */
public record LlmMessage(String role, String text) {

  public static LlmMessage system(String text) {
    return new LlmMessage("system", text);
  }

  public static LlmMessage user(String text) {
    return new LlmMessage("user", text);
  }

  public static LlmMessage assistant(String text) {
    return new LlmMessage("assistant", text);
  }
}
