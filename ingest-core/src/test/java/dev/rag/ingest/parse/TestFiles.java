package dev.rag.ingest.parse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Files for tests: real PDFs made with PDFBox (one list of lines per page), the seed listing. */
public final class TestFiles {

  private TestFiles() {}

  /** The project's shared seed folder lies beside the checkout ({@code ../shared}). */
  public static Path seedListing() {
    String name = "shared/seed/daily-papers-listing.txt";
    List<Path> roots = new ArrayList<>();
    String explicit = System.getenv("RAG_SHARED_DIR");
    if (explicit != null && !explicit.isBlank()) {
      roots.add(Path.of(explicit).toAbsolutePath().getParent());
    }
    roots.add(Path.of("").toAbsolutePath());
    // A clone made from a local checkout (as CI-style checks do) finds it beside that checkout.
    localOrigin().ifPresent(roots::add);
    for (Path root : roots) {
      for (Path dir = root; dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        name
            + " not found above "
            + roots
            + ": check out the project beside its shared folder (../shared), or set RAG_SHARED_DIR");
  }

  private static Optional<Path> localOrigin() {
    try {
      Process git =
          new ProcessBuilder("git", "config", "--get", "remote.origin.url")
              .redirectErrorStream(true)
              .start();
      String url = new String(git.getInputStream().readAllBytes()).strip();
      if (git.waitFor() != 0 || url.isEmpty()) {
        return Optional.empty();
      }
      url = url.startsWith("file://") ? url.substring(7) : url;
      return url.startsWith("/") ? Optional.of(Path.of(url)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  public static byte[] pdf(String title, List<List<String>> pages) {
    try (PDDocument doc = new PDDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      doc.getDocumentInformation().setTitle(title);
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (List<String> lines : pages) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
          content.beginText();
          content.setFont(font, 11);
          content.setLeading(14);
          content.newLineAtOffset(60, 740);
          for (String line : lines) {
            if (line.isEmpty()) {
              content.newLine();
            } else {
              content.showText(line);
            }
            content.newLine();
          }
          content.endText();
        }
      }
      doc.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
