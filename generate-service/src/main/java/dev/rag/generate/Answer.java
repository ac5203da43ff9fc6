package dev.rag.generate;

import java.util.List;

/**
 * A grounded answer.
 *
 * @param text answer text with citations {@code [n]}
 * @param sources the numbered sources; every citation in the text refers to one of them
 * @param finishReason {@code stop}, or {@code length} when cut at the token limit
 * @param promptTokens tokens of the question and the sources read
 * @param completionTokens tokens of the answer
 */
public record Answer(
    String text,
    List<SourceRef> sources,
    String finishReason,
    int promptTokens,
    int completionTokens) {}
