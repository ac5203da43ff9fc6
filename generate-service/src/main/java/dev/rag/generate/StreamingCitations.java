package dev.rag.generate;

import java.util.regex.Pattern;

/**
 * Checks citations while an answer streams: text that could still become a citation ({@code [},
 * {@code [1}, a space before them) is held back until it is complete, then a citation of a source
 * that was not given is removed before anyone sees it. Everything else passes at once.
 */
final class StreamingCitations {

  private static final Pattern OPEN_CITATION = Pattern.compile("\\s?\\[\\d{0,4}$");

  private final int sourceCount;
  private final StringBuilder pending = new StringBuilder();
  private int removed;

  StreamingCitations(int sourceCount) {
    this.sourceCount = sourceCount;
  }

  /** Takes the next piece of the answer; returns what can be shown now (maybe empty). */
  String accept(String piece) {
    pending.append(piece);
    int hold = holdFrom();
    String ready = pending.substring(0, hold);
    pending.delete(0, hold);
    return check(ready);
  }

  /** The answer ended: whatever was held back, checked. */
  String finish() {
    String rest = pending.toString();
    pending.setLength(0);
    return check(rest);
  }

  /** Citations removed so far. */
  int removed() {
    return removed;
  }

  private int holdFrom() {
    var m = OPEN_CITATION.matcher(pending);
    if (m.find()) {
      return m.start();
    }
    int end = pending.length();
    return end > 0 && Character.isWhitespace(pending.charAt(end - 1)) ? end - 1 : end;
  }

  private String check(String text) {
    if (text.isEmpty()) {
      return text;
    }
    CitationChecker.Result result = CitationChecker.check(text, sourceCount);
    removed += result.removed();
    return result.text();
  }
}
