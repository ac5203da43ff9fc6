package dev.rag.ingest.parse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jsoup.helper.DataUtil;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Parser;
import org.jsoup.parser.StreamParser;
import org.jsoup.select.NodeFilter;

/**
 * HTML to the chunker's text: the page's main content (its {@code main} or single {@code article}
 * when it has one) without navigation, scripts, styles, forms and other page furniture; headings
 * become Markdown headings, block elements become paragraphs, list items and table cells lines.
 */
public final class HtmlParser {

  private static final String FURNITURE =
      "script, style, noscript, template, svg, canvas, iframe, object, form, button, select,"
          + " nav, header, footer, aside, menu, dialog, [role=navigation], [role=banner],"
          + " [role=contentinfo], [role=search], [aria-hidden=true], [hidden]";

  private static final Set<String> BLOCKS =
      Set.of(
          "p",
          "div",
          "section",
          "article",
          "main",
          "blockquote",
          "pre",
          "ul",
          "ol",
          "dl",
          "table",
          "tr",
          "figure",
          "figcaption",
          "caption",
          "address",
          "details",
          "summary",
          "hr",
          "body");

  private static final Set<String> LINES = Set.of("li", "dt", "dd", "td", "th", "br");

  private HtmlParser() {}

  /** Parses a page given as text, with at most {@code maxElements} elements. */
  public static ParsedDocument parse(String html, int maxElements) {
    try (StreamParser parser = new StreamParser(Parser.htmlParser()).parse(html, "")) {
      return read(parser, maxElements);
    }
  }

  /**
   * Parses a page file, with at most {@code maxElements} elements; the charset comes from a
   * byte-order mark or the page's meta tag, else UTF-8.
   */
  public static ParsedDocument parse(Path file, int maxElements) {
    try (StreamParser parser = DataUtil.streamParser(file, null, "", Parser.htmlParser())) {
      return read(parser, maxElements);
    } catch (IOException | UncheckedIOException e) {
      throw new UnreadableFileException("not readable HTML: " + e.getMessage(), e);
    }
  }

  /**
   * Parses element by element, counting: each element costs memory once parsed, so a page of
   * millions of tiny elements is refused before it is whole.
   */
  private static ParsedDocument read(StreamParser parser, int maxElements) {
    long elements = 0;
    for (var it = parser.iterator(); it.hasNext(); it.next()) {
      if (++elements > maxElements) {
        throw new FileOverLimitException(
            "the page has more than "
                + maxElements
                + " HTML elements (ingest.limits.max-html-elements)");
      }
    }
    return parse(parser.document());
  }

  /** Reads a parsed page (it is changed: page furniture is removed). */
  static ParsedDocument parse(Document page) {
    String title = page.title().strip();
    page.select(FURNITURE).remove();
    Element root = page.body();
    Element main = page.selectFirst("main, [role=main]");
    if (main != null) {
      root = main;
    } else if (page.select("article").size() == 1) {
      root = page.selectFirst("article");
    }
    if (title.isEmpty()) {
      Element h1 = root.selectFirst("h1");
      title = h1 == null ? "" : h1.text().strip();
    }
    TextBuilder out = new TextBuilder();
    root.filter(out);
    return new ParsedDocument(null, Titles.clip(title), out.text(), "text/markdown", Map.of());
  }

  /** Collects text in document order, breaking lines and paragraphs at block boundaries. */
  private static final class TextBuilder implements NodeFilter {
    private final StringBuilder out = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private int preDepth;

    @Override
    public FilterResult head(Node node, int depth) {
      if (node instanceof TextNode text) {
        line.append(preDepth > 0 ? text.getWholeText() : text.text());
        return FilterResult.CONTINUE;
      }
      if (!(node instanceof Element element)) {
        return FilterResult.CONTINUE;
      }
      String tag = element.normalName();
      if (isHeading(tag)) {
        endParagraph();
        int level = tag.charAt(1) - '0';
        String heading = element.text().strip();
        if (!heading.isEmpty()) {
          out.append("#".repeat(level)).append(' ').append(heading).append("\n\n");
        }
        return FilterResult.SKIP_ENTIRELY;
      }
      if (tag.equals("pre")) {
        preDepth++;
      }
      if (BLOCKS.contains(tag)) {
        endParagraph();
      } else if (LINES.contains(tag)) {
        endLine();
      }
      return FilterResult.CONTINUE;
    }

    @Override
    public FilterResult tail(Node node, int depth) {
      if (!(node instanceof Element element)) {
        return FilterResult.CONTINUE;
      }
      String tag = element.normalName();
      if (tag.equals("pre")) {
        preDepth--;
      }
      if (BLOCKS.contains(tag)) {
        endParagraph();
      } else if (LINES.contains(tag)) {
        endLine();
      }
      return FilterResult.CONTINUE;
    }

    /** Headings are written whole in {@link #head}, their children skipped. */
    private static boolean isHeading(String tag) {
      return tag.length() == 2
          && tag.charAt(0) == 'h'
          && tag.charAt(1) >= '1'
          && tag.charAt(1) <= '6';
    }

    private void endLine() {
      String text = line.toString().strip();
      line.setLength(0);
      if (!text.isEmpty()) {
        out.append(text).append('\n');
      }
    }

    private void endParagraph() {
      endLine();
      int n = out.length();
      if (n > 0 && !(n >= 2 && out.charAt(n - 1) == '\n' && out.charAt(n - 2) == '\n')) {
        out.append('\n');
      }
    }

    String text() {
      endParagraph();
      return out.toString().strip();
    }
  }
}
