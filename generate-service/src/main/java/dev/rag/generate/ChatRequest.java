package dev.rag.generate;

import java.util.List;

/**
 * A chat request, whatever door it came through.
 *
 * @param messages the conversation so far; the last user message is the question
 * @param topK passages to retrieve; 0 means the configured default
 * @param sources sources to search; empty means all
 * @param maxTokens most tokens in the answer; 0 means the default
 * @param temperature sampling temperature for a language model; null means the default
 * @param stop sequences that end the answer; empty for none
 */
public record ChatRequest(
    List<ChatMessage> messages,
    int topK,
    List<String> sources,
    int maxTokens,
    Double temperature,
    List<String> stop) {

  public ChatRequest {
    sources = sources == null ? List.of() : sources;
    stop = stop == null ? List.of() : stop;
  }

  /** A request with the default sampling settings. */
  public ChatRequest(List<ChatMessage> messages, int topK, List<String> sources, int maxTokens) {
    this(messages, topK, sources, maxTokens, null, List.of());
  }
}
