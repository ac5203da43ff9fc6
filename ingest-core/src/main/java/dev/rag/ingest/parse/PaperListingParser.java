package dev.rag.ingest.parse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listing of research papers copied from a paper-aggregator page: for each paper a title line,
 * the abstract, an optional byline ("• 5 authors" or an organisation), a "·" separator line and the
 * date (sometimes followed by a vote count). Page chrome before the first paper is ignored. Each
 * paper becomes one document: title, abstract as text, byline and date as metadata, and an id made
 * from the title so that uploading the listing again finds the same documents.
 */
public final class PaperListingParser {

  private static final String SEPARATOR = "\u00B7";
  private static final Pattern DATE =
      Pattern.compile("^([A-Z][a-z]{2,8}\\.? \\d{1,2}(?:, (\\d{4}))?)(?:\\s+(\\d+))?$");
  private static final int PARAGRAPH_CHARS = 200;

  private PaperListingParser() {}

  /** True when the text has the listing's shape: separator lines each followed by a date. */
  public static boolean looksLikeListing(String text) {
    List<String> lines = nonEmptyLines(text);
    int papers = 0;
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).equals(SEPARATOR)) {
        if (!DATE.matcher(lines.get(i + 1)).matches()) {
          return false;
        }
        papers++;
      }
    }
    return papers >= 2;
  }

  public static ParseResult parse(String text) {
    List<String> lines = nonEmptyLines(text);
    List<ParsedDocument> papers = new ArrayList<>();
    List<ParseResult.Problem> problems = new ArrayList<>();
    Ids ids = new Ids();
    int blockStart = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).equals(SEPARATOR)) {
        continue;
      }
      String date = i + 1 < lines.size() ? lines.get(i + 1) : "";
      List<String> block = lines.subList(blockStart, i);
      blockStart = Math.min(i + 2, lines.size());
      try {
        papers.add(paper(block, date, ids));
      } catch (IllegalArgumentException e) {
        problems.add(
            new ParseResult.Problem(
                "paper " + (papers.size() + problems.size() + 1), e.getMessage()));
      }
    }
    return new ParseResult("paper-listing", papers, problems);
  }

  private static ParsedDocument paper(List<String> block, String date, Ids ids) {
    if (block.size() < 2) {
      throw new IllegalArgumentException(
          "expected a title and an abstract before '" + SEPARATOR + "'");
    }
    // The abstract is the longest line, with any paragraphs around it; the title comes just before.
    int longest = 0;
    for (int j = 1; j < block.size(); j++) {
      if (block.get(j).length() > block.get(longest).length()) {
        longest = j;
      }
    }
    int from = longest;
    while (from > 1 && block.get(from - 1).length() > PARAGRAPH_CHARS) {
      from--;
    }
    int to = longest + 1;
    while (to < block.size() && block.get(to).length() > PARAGRAPH_CHARS) {
      to++;
    }
    if (from == 0) {
      throw new IllegalArgumentException("no title line before the abstract");
    }
    String title = block.get(from - 1);
    String abstractText = String.join("\n\n", block.subList(from, to));
    Map<String, String> metadata = new LinkedHashMap<>();
    String byline = String.join(" ", block.subList(to, block.size())).strip();
    if (!byline.isEmpty()) {
      // "• 5 authors", "* Org", "- Name": the list mark is not part of the byline.
      char mark = byline.charAt(0);
      String authors =
          (mark == '\u2022' || mark == '*' || mark == '-') ? byline.substring(1).strip() : byline;
      metadata.put("authors", authors.isEmpty() ? byline : authors);
    }
    Matcher d = DATE.matcher(date);
    if (d.matches()) {
      metadata.put("date", d.group(1));
      if (d.group(2) != null) {
        metadata.put("year", d.group(2));
      }
    }
    return new ParsedDocument(
        ids.next(slug(title)), Titles.clip(title), abstractText, "text/plain", metadata);
  }

  /**
   * Ids made unique within one listing: a repeated title gets "-2", "-3", ... Each title remembers
   * the next number to try, so a listing that repeats one title many times stays linear.
   */
  private static final class Ids {
    private final Set<String> used = new HashSet<>();
    private final Map<String, Integer> next = new HashMap<>();

    String next(String base) {
      if (used.add(base)) {
        return base;
      }
      int n = next.getOrDefault(base, 2);
      String id = base + "-" + n;
      while (!used.add(id)) {
        id = base + "-" + ++n;
      }
      next.put(base, n + 1);
      return id;
    }
  }

  /** Lower-case letters and digits, runs of anything else as one '-', at most 120 characters. */
  static String slug(String title) {
    StringBuilder s = new StringBuilder(Math.min(title.length(), 128));
    String lower = title.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length() && s.length() < 120; ) {
      int c = lower.codePointAt(i);
      i += Character.charCount(c);
      if (isLetterOrNumber(c)) {
        s.appendCodePoint(c);
      } else if (!s.isEmpty() && s.charAt(s.length() - 1) != '-') {
        s.append('-');
      }
    }
    while (!s.isEmpty() && s.charAt(s.length() - 1) == '-') {
      s.setLength(s.length() - 1);
    }
    return s.toString();
  }

  /** What {@code [\\p{L}\\p{N}]} matches: letters and numbers of every kind. */
  private static boolean isLetterOrNumber(int c) {
    int type = Character.getType(c);
    return Character.isLetter(c)
        || type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  private static List<String> nonEmptyLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      String s = line.strip();
      if (!s.isEmpty()) {
        lines.add(s);
      }
    }
    return lines;
  }
}
