package dev.rag.ingest;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Canonical text: Unicode NFC, Unix line ends, no control characters, tidy whitespace. A form feed
 * (a page break) is kept, alone on its line, so chunks can tell their pages.
 */
public final class TextNormalizer {

  private static final Pattern CONTROL =
      Pattern.compile("[\\p{Cntrl}&&[^\\n\\t\\f]]|[\\uFEFF\\u200B]");
  private static final Pattern HORIZONTAL_SPACE =
      Pattern.compile("[\\t\\x0B\\u00A0\\u2000-\\u200A\\u202F\\u205F\\u3000 ]+");
  private static final Pattern TRAILING_SPACE = Pattern.compile(" +\\n");
  private static final Pattern PAGE_BREAK = Pattern.compile("[ \\n]*\\f[ \\n]*");
  private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

  private TextNormalizer() {}

  /** Normalises a body, keeping its line and paragraph structure. */
  public static String normalise(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFC);
    s = s.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n');
    s = CONTROL.matcher(s).replaceAll("");
    s = HORIZONTAL_SPACE.matcher(s).replaceAll(" ");
    s = TRAILING_SPACE.matcher(s).replaceAll("\n");
    s = BLANK_LINES.matcher(s).replaceAll("\n\n");
    s = PAGE_BREAK.matcher(s).replaceAll("\n\f\n");
    return s.strip();
  }

  /** Normalises a one-line value such as a title: all whitespace runs become one space. */
  public static String normaliseLine(String text) {
    return normalise(text).replaceAll("\\s+", " ");
  }
}
