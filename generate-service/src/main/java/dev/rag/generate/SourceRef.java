package dev.rag.generate;

/**
 * A numbered source of an answer: citations {@code [n]} in the text point at {@code number}.
 *
 * @param number citation number, from 1
 * @param passage the passage
 * @param cited whether the answer text cites it
 */
public record SourceRef(int number, RetrievedPassage passage, boolean cited) {}
