package dev.rag.ingest.parse;

import java.io.IOException;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF to the chunker's text with PDFBox: text in content order (the order the producer wrote it,
 * which keeps columns apart, unlike sorting by position), paragraphs separated by blank lines, and
 * a form feed on its own line at each page end so chunks know their pages.
 */
public final class PdfParser {

  /** Separates pages in the extracted text; the chunker counts them for page numbers. */
  public static final String PAGE_BREAK = "\n\f\n";

  private PdfParser() {}

  /**
   * @throws UnreadableFileException when the bytes are not a PDF PDFBox can open, or it is
   *     password-protected, or it has no extractable text (a scan)
   */
  public static ParsedDocument parse(byte[] bytes) {
    try (PDDocument pdf = Loader.loadPDF(bytes)) {
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setLineSeparator("\n");
      stripper.setParagraphStart("\n");
      stripper.setPageStart("");
      stripper.setPageEnd(PAGE_BREAK);
      stripper.setAddMoreFormatting(true);
      String text = stripper.getText(pdf);
      if (text.replace("\f", "").isBlank()) {
        throw new UnreadableFileException(
            "the PDF has no extractable text (a scanned image needs OCR, which is not supported)");
      }
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("pages", Integer.toString(pdf.getNumberOfPages()));
      String title = "";
      PDDocumentInformation info = pdf.getDocumentInformation();
      if (info != null) {
        title = info.getTitle() == null ? "" : info.getTitle().strip();
        if (info.getAuthor() != null && !info.getAuthor().isBlank()) {
          metadata.put("author", info.getAuthor().strip());
        }
        Calendar created = info.getCreationDate();
        if (created != null) {
          metadata.put("year", Integer.toString(created.get(Calendar.YEAR)));
        }
      }
      if (title.isEmpty()) {
        title = firstLine(text);
      }
      return new ParsedDocument(null, title, text, "text/plain", metadata);
    } catch (InvalidPasswordException e) {
      throw new UnreadableFileException("the PDF is password-protected", e);
    } catch (IOException e) {
      throw new UnreadableFileException("not a readable PDF: " + e.getMessage(), e);
    }
  }

  private static String firstLine(String text) {
    for (String line : text.split("\n")) {
      String s = line.strip();
      if (!s.isEmpty() && !s.equals("\f")) {
        return s.length() <= 200 ? s : "";
      }
    }
    return "";
  }
}
