package dev.rag.generate;

import java.util.List;

/**
 * A chat request, whatever door it came through.
 *
 * @param messages the conversation so far; the last user message is the question
 * @param topK passages to retrieve; 0 means the configured default
 * @param sources sources to search; empty means all
 * @param maxTokens most tokens in the answer; 0 means no limit beyond the synthesiser's own
 */
public record ChatRequest(
    List<ChatMessage> messages, int topK, List<String> sources, int maxTokens) {}
