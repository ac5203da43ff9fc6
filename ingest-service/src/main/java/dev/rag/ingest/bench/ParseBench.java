package dev.rag.ingest.bench;

import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelTokenizer;
import dev.rag.ingest.Chunker;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.TextNormalizer;
import dev.rag.ingest.TokenCounter;
import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.ParseResult;
import dev.rag.ingest.parse.ParsedDocument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * {@code ./rag bench parse --dir DIR}: parse + chunk throughput of the ingest path, in process,
 * with the service's settings (384-token chunks, 48 overlap, bge's tokenizer): on a BEIR
 * corpus.jsonl and on a generated PDF of 300 pages. Prints medians of several runs after a warm-up.
 */
public final class ParseBench {

  private static final int RUNS = 5;

  private ParseBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = null;
    int pages = 300;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--pages" -> pages = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: ./rag bench parse --dir BEIR_DIR [--pages N]");
          System.exit(2);
        }
      }
    }
    if (dir == null || !Files.isRegularFile(dir.resolve("corpus.jsonl"))) {
      System.err.println("usage: ./rag bench parse --dir BEIR_DIR (a folder with corpus.jsonl)");
      System.exit(2);
    }
    try (ModelTokenizer tokenizer = ModelTokenizer.load(ModelCatalog.BGE_SMALL_EN_V15)) {
      TokenCounter tokens = tokenizer::count;
      Chunker chunker = new Chunker(384, 48, tokens);
      byte[] corpus = Files.readAllBytes(dir.resolve("corpus.jsonl"));
      report("corpus.jsonl", corpus, chunker, "docs");
      byte[] pdf = pdf(corpus, pages);
      report(pages + "-page PDF", pdf, chunker, "pages");
    }
  }

  private static void report(String what, byte[] bytes, Chunker chunker, String unit) {
    run(bytes, chunker); // warm-up
    List<Double> seconds = new ArrayList<>();
    Result last = null;
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      last = run(bytes, chunker);
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    Collections.sort(seconds);
    double median = seconds.get(RUNS / 2);
    double mb = bytes.length / 1e6;
    long units = unit.equals("pages") ? last.pages : last.documents;
    System.out.printf(
        "%-16s %8.1f MB  %6d %s  %7d chunks  median %7.3f s  %9.1f %s/s  %7.2f MB/s%n",
        what, mb, units, unit, last.chunks, median, units / median, unit, mb / median);
  }

  private record Result(long documents, long chunks, long pages) {}

  private static Result run(byte[] bytes, Chunker chunker) {
    ParseResult parsed = DocumentParsers.parse(null, null, bytes);
    long chunks = 0;
    long pages = 0;
    for (ParsedDocument d : parsed.documents()) {
      String text = TextNormalizer.normalise(d.text());
      List<TextChunk> out = chunker.chunk(d.title(), text, d.contentType());
      chunks += out.size();
      pages = Math.max(pages, out.isEmpty() ? 0 : out.get(out.size() - 1).pageEnd());
    }
    return new Result(parsed.documents().size(), chunks, pages);
  }

  /** A PDF of {@code pages} pages filled with the corpus's text, 45 lines per page. */
  private static byte[] pdf(byte[] corpus, int pages) throws IOException {
    List<String> words = new ArrayList<>();
    for (ParsedDocument d : DocumentParsers.parse(null, null, corpus).documents()) {
      for (String w : d.text().split("\\s+")) {
        if (!w.isEmpty() && w.chars().allMatch(c -> c >= 32 && c < 127)) {
          words.add(w);
        }
        if (words.size() > pages * 600) {
          break;
        }
      }
      if (words.size() > pages * 600) {
        break;
      }
    }
    try (PDDocument doc = new PDDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      int w = 0;
      for (int p = 0; p < pages; p++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
          content.beginText();
          content.setFont(font, 10);
          content.setLeading(15);
          content.newLineAtOffset(50, 750);
          for (int line = 0; line < 45; line++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < 95) {
              text.append(words.get(w++ % words.size())).append(' ');
            }
            content.showText(text.toString().strip());
            content.newLine();
            if (line % 9 == 8) {
              content.newLine();
            }
          }
          content.endText();
        }
      }
      doc.save(out);
      return out.toByteArray();
    }
  }
}
