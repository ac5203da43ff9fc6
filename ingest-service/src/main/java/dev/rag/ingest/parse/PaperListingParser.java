package dev.rag.ingest.parse;

import java.util.ArrayList;
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
  private static final Pattern AUTHORS = Pattern.compile("^[\u2022*-]\\s*(.+)$");
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
    Set<String> ids = new HashSet<>();
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

  private static ParsedDocument paper(List<String> block, String date, Set<String> ids) {
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
      Matcher authors = AUTHORS.matcher(byline);
      metadata.put("authors", authors.matches() ? authors.group(1).strip() : byline);
    }
    Matcher d = DATE.matcher(date);
    if (d.matches()) {
      metadata.put("date", d.group(1));
      if (d.group(2) != null) {
        metadata.put("year", d.group(2));
      }
    }
    String id = slug(title);
    for (int n = 2; !ids.add(id); n++) {
      id = slug(title) + "-" + n;
    }
    return new ParsedDocument(id, title, abstractText, "text/plain", metadata);
  }

  private static String slug(String title) {
    String s = title.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-");
    s = s.replaceAll("^-+|-+$", "");
    return s.length() > 120 ? s.substring(0, 120).replaceAll("-+$", "") : s;
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
