package dev.rag.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * A normalised document's paragraphs, each with the section it belongs to: blank lines separate
 * paragraphs (not inside a Markdown code fence), and Markdown headings set the section path. One
 * scan of the lines; headings are read without patterns (see {@link Heading}).
 */
final class Paragraphs {

  /** Longest line read as a heading; a longer one is text (a section path repeats in chunks). */
  static final int MAX_HEADING_CHARS = 300;

  private Paragraphs() {}

  /** A paragraph: the text from {@code start} to {@code end}, under {@code section}. */
  record Paragraph(String section, int start, int end) {}

  /** Paragraphs with the section they belong to; Markdown headings set the section path. */
  static List<Paragraph> of(String text, boolean markdown, String title) {
    List<Paragraph> result = new ArrayList<>();
    String[] headings = new String[6];
    String section = "";
    int paragraphStart = -1;
    int paragraphEnd = -1;
    boolean inFence = false;
    int offset = 0;
    for (String line : text.split("\n", -1)) {
      int lineStart = offset;
      int lineEnd = offset + line.length();
      offset = lineEnd + 1;
      if (markdown && isFence(line)) {
        inFence = !inFence;
      }
      Heading heading = markdown && !inFence ? Heading.of(line) : null;
      if (heading != null) {
        if (paragraphStart >= 0) {
          result.add(new Paragraph(section, paragraphStart, paragraphEnd));
          paragraphStart = -1;
        }
        int level = heading.level();
        headings[level - 1] = heading.text();
        for (int i = level; i < headings.length; i++) {
          headings[i] = null;
        }
        section = sectionPath(headings, title);
        continue;
      }
      if (line.isBlank() && !inFence) {
        if (paragraphStart >= 0) {
          result.add(new Paragraph(section, paragraphStart, paragraphEnd));
          paragraphStart = -1;
        }
        continue;
      }
      if (paragraphStart < 0) {
        paragraphStart = lineStart;
      }
      paragraphEnd = lineEnd;
    }
    if (paragraphStart >= 0) {
      result.add(new Paragraph(section, paragraphStart, paragraphEnd));
    }
    return result;
  }

  private static String sectionPath(String[] headings, String title) {
    List<String> parts = new ArrayList<>();
    for (String h : headings) {
      if (h != null && !(parts.isEmpty() && h.equalsIgnoreCase(title))) {
        parts.add(h);
      }
    }
    return String.join(" > ", parts);
  }

  /** A fence line of a Markdown code block: optional blanks, then ``` or ~~~. */
  private static boolean isFence(String line) {
    int i = 0;
    while (i < line.length() && isRegexSpace(line.charAt(i))) {
      i++;
    }
    return line.startsWith("```", i) || line.startsWith("~~~", i);
  }

  /** The blanks a Markdown heading line may hold (what {@code \\s} means in Java patterns). */
  static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /**
   * An ATX heading: 1 to 6 '#', blanks, the text, optionally closing '#'s. Read by scanning the
   * line once from each end (a pattern with a lazy body and optional closing marks backtracks in
   * quadratic time over a run of '#' or blanks).
   */
  record Heading(int level, String text) {

    /** The heading a line is, or null. */
    static Heading of(String line) {
      if (line.length() > MAX_HEADING_CHARS) {
        return null;
      }
      int level = 0;
      while (level < line.length() && line.charAt(level) == '#') {
        level++;
      }
      if (level < 1 || level > 6 || level == line.length() || !isRegexSpace(line.charAt(level))) {
        return null;
      }
      int start = level;
      while (start < line.length() && isRegexSpace(line.charAt(start))) {
        start++;
      }
      // Trailing blanks, closing '#'s, blanks before them; the text keeps at least one character.
      int end = line.length();
      while (end > start && isRegexSpace(line.charAt(end - 1))) {
        end--;
      }
      while (end > start && line.charAt(end - 1) == '#') {
        end--;
      }
      while (end > start && isRegexSpace(line.charAt(end - 1))) {
        end--;
      }
      if (end == start) {
        // Only closing marks after the blanks: the first of them is the text, as before.
        if (start == line.length()) {
          return null;
        }
        end = start + 1;
      }
      String text = line.substring(start, end).strip();
      return text.isEmpty() ? null : new Heading(level, text);
    }
  }
}
