package dev.rag.ingest.parse;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.io.RandomAccessRead;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF to the chunker's text with PDFBox: text in content order (the order the producer wrote it,
 * which keeps columns apart, unlike sorting by position), paragraphs separated by blank lines, and
 * a form feed on its own line at each page end so chunks know their pages.
 *
 * <p>Hostile files are the normal case: the file is read from disk, never whole into memory; before
 * any text is extracted every stream is measured by decoding it within {@link PdfStreamBudget};
 * extraction stops at the page limit, the character limit and the time limit.
 */
public final class PdfParser {

  /** Separates pages in the extracted text; the chunker counts them for page numbers. */
  public static final String PAGE_BREAK = "\n\f\n";

  private PdfParser() {}

  /** Reads a PDF file from disk. */
  public static ParsedDocument parse(Path file, ParseLimits limits) {
    try {
      return read(new RandomAccessReadBufferedFile(file.toFile()), limits);
    } catch (IOException e) {
      throw new UnreadableFileException("not a readable PDF: " + e.getMessage(), e);
    }
  }

  /** Reads a PDF held in memory (tests, benchmarks). */
  public static ParsedDocument parse(byte[] bytes, ParseLimits limits) {
    return read(new RandomAccessReadBuffer(bytes), limits);
  }

  /**
   * @throws UnreadableFileException when the bytes are not a PDF PDFBox can open, it is
   *     password-protected, it has no extractable text (a scan), or it breaks a limit
   */
  private static ParsedDocument read(RandomAccessRead input, ParseLimits limits) {
    // Streams PDFBox itself buffers go to temporary files, not the heap.
    try (PDDocument pdf = Loader.loadPDF(input, "", IOUtils.createTempFileOnlyStreamCache())) {
      int pages = pdf.getNumberOfPages();
      if (pages > limits.maxPdfPages()) {
        throw new FileOverLimitException(
            "the PDF has "
                + pages
                + " pages, over the limit of "
                + limits.maxPdfPages()
                + " (ingest.limits.pdf.max-pages)");
      }
      PdfStreamBudget.check(pdf, limits.maxPdfStreamBytes(), limits.maxPdfDecodedBytes());
      String text = extract(pdf, limits);
      if (text.replace("\f", "").isBlank()) {
        throw new UnreadableFileException(
            "the PDF has no extractable text (a scanned image needs OCR, which is not supported)");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("pages", Integer.toString(pages));
      String title = "";
      PDDocumentInformation info = pdf.getDocumentInformation();
      if (info != null) {
        title = info.getTitle() == null ? "" : info.getTitle().strip();
        if (info.getAuthor() != null && !info.getAuthor().isBlank()) {
          metadata.put("author", Titles.clip(info.getAuthor().strip()));
        }
        Calendar created = info.getCreationDate();
        if (created != null) {
          metadata.put("year", Integer.toString(created.get(Calendar.YEAR)));
        }
      }
      if (title.isEmpty()) {
        title = firstLine(text);
      }
      return new ParsedDocument(null, Titles.clip(title), text, "text/plain", metadata);
    } catch (InvalidPasswordException e) {
      throw new UnreadableFileException("the PDF is password-protected", e);
    } catch (LimitException e) {
      throw new FileOverLimitException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UnreadableFileException("not a readable PDF: " + e.getMessage(), e);
    }
  }

  private static String extract(PDDocument pdf, ParseLimits limits) throws IOException {
    BoundedStripper stripper =
        new BoundedStripper(System.nanoTime() + limits.pdfTimeout().toNanos(), limits);
    stripper.setLineSeparator("\n");
    stripper.setParagraphStart("\n");
    stripper.setPageStart("");
    stripper.setPageEnd(PAGE_BREAK);
    stripper.setAddMoreFormatting(true);
    BoundedWriter out = new BoundedWriter(limits.maxDocumentBytes());
    stripper.writeText(pdf, out);
    return out.text();
  }

  /** A limit was reached while reading: the message names it. */
  static final class LimitException extends IOException {
    LimitException(String message) {
      super(message);
    }
  }

  /** Text extraction that gives up at its deadline, checked at every page and operator. */
  private static final class BoundedStripper extends PDFTextStripper {
    private final long deadline;
    private final ParseLimits limits;
    private int operators;

    BoundedStripper(long deadline, ParseLimits limits) {
      this.deadline = deadline;
      this.limits = limits;
    }

    @Override
    protected void startPage(PDPage page) throws IOException {
      checkDeadline();
      super.startPage(page);
    }

    @Override
    protected void processOperator(Operator operator, List<COSBase> operands) throws IOException {
      if ((++operators & 0x3FF) == 0) {
        checkDeadline();
      }
      super.processOperator(operator, operands);
    }

    @Override
    protected void operatorException(Operator operator, List<COSBase> operands, IOException e)
        throws IOException {
      // PDFBox forgives errors inside forms ("Do"); a limit is not an error to forgive.
      if (e instanceof LimitException) {
        throw e;
      }
      super.operatorException(operator, operands, e);
    }

    private void checkDeadline() throws LimitException {
      if (System.nanoTime() > deadline) {
        throw new LimitException(
            "reading the PDF's text took longer than "
                + limits.pdfTimeout().toSeconds()
                + " s (ingest.limits.pdf.timeout)");
      }
    }
  }

  /** Collects extracted text up to the per-document limit, then stops the extraction. */
  private static final class BoundedWriter extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final int maxBytes;

    BoundedWriter(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      // Characters never take fewer UTF-8 bytes than one each: counting characters is a lower
      // bound; the validator measures the bytes exactly afterwards.
      if (text.length() + length > maxBytes) {
        throw new LimitException(
            "the PDF's text is over the limit of "
                + maxBytes
                + " bytes per document (ingest.limits.max-document-bytes); split the file");
      }
      text.append(chars, offset, length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    String text() {
      return text.toString();
    }
  }

  private static String firstLine(String text) {
    int from = 0;
    while (from < text.length()) {
      int end = text.indexOf('\n', from);
      end = end < 0 ? text.length() : end;
      String s = text.substring(from, end).strip();
      if (!s.isEmpty() && !s.equals("\f")) {
        return s.length() <= 200 ? s : "";
      }
      from = end + 1;
    }
    return "";
  }
}
