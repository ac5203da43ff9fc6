package dev.rag.generate;

import java.util.ArrayList;
import java.util.List;

/**
 * A grounded answer.
 *
 * @param text answer text with citations {@code [n]}
 * @param sources the numbered sources; every citation in the text refers to one of them
 * @param finishReason {@code stop}, or {@code length} when cut at the token limit
 * @param promptTokens tokens of the question and the sources read
 * @param completionTokens tokens of the answer
 * @param unsupported the cited sentences the sources they cite do not support ({@link
 *     ClaimSupport}), in order; empty for an answer not checked yet
 */
public record Answer(
    String text,
    List<SourceRef> sources,
    String finishReason,
    int promptTokens,
    int completionTokens,
    List<ClaimSupport.Unsupported> unsupported) {

  /** An answer whose claims are not checked (yet). */
  public Answer(
      String text,
      List<SourceRef> sources,
      String finishReason,
      int promptTokens,
      int completionTokens) {
    this(text, sources, finishReason, promptTokens, completionTokens, List.of());
  }

  /**
   * Whether the answer abstains: it cites none of its sources, so nothing retrieved supports it
   * (the built-in answerer then says so in a fixed sentence; the sources are the closest passages,
   * none cited).
   */
  public boolean abstained() {
    return sources.stream().noneMatch(SourceRef::cited);
  }

  /** The text in word-sized pieces, each keeping its leading space, as a model would stream it. */
  public List<String> pieces() {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || (text.charAt(i) == ' ' && i > start)) {
        pieces.add(text.substring(start, i));
        start = i;
      }
    }
    return pieces;
  }
}
