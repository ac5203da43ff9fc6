package dev.rag.ingest.parse;

/** Titles found inside files (a heading, a PDF's first line, a page title), kept to a sane size. */
public final class Titles {

  /** Longest title taken from a file's content; a longer one is cut at a word boundary. */
  public static final int MAX_CHARS = 300;

  private Titles() {}

  /** The title, cut to {@value #MAX_CHARS} characters at the last blank before the cut. */
  public static String clip(String title) {
    if (title.length() <= MAX_CHARS) {
      return title;
    }
    int cut = title.lastIndexOf(' ', MAX_CHARS);
    return (cut > MAX_CHARS / 2 ? title.substring(0, cut) : title.substring(0, MAX_CHARS)).strip();
  }
}
