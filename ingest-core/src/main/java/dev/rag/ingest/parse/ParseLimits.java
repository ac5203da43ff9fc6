package dev.rag.ingest.parse;

import java.time.Duration;

/**
 * Bounds on reading one file, so that no file, however crafted, costs more than a known amount of
 * memory or time: each is refused with an {@link UnreadableFileException} naming the limit.
 *
 * @param maxFileBytes largest file
 * @param maxTextFileBytes largest file of a format read whole (text, Markdown, HTML, listing)
 * @param maxDocumentBytes largest text extracted from one document (the per-document limit)
 * @param maxDocumentsPerFile most documents one file may yield
 * @param maxHtmlElements most elements of an HTML page
 * @param maxPdfPages most pages of a PDF
 * @param maxPdfStreamBytes largest decoded size of one PDF stream
 * @param maxPdfDecodedBytes largest decoded size of all the PDF streams read
 * @param pdfTimeout longest text extraction of one PDF
 */
public record ParseLimits(
    long maxFileBytes,
    int maxTextFileBytes,
    int maxDocumentBytes,
    int maxDocumentsPerFile,
    int maxHtmlElements,
    int maxPdfPages,
    long maxPdfStreamBytes,
    long maxPdfDecodedBytes,
    Duration pdfTimeout) {

  /** The service's defaults (see the README's Limits table). */
  public static final ParseLimits DEFAULTS =
      new ParseLimits(
          64L << 20,
          16 << 20,
          8 << 20,
          100_000,
          200_000,
          2000,
          32L << 20,
          512L << 20,
          Duration.ofSeconds(60));
}
