package dev.rag.cli.bench;

import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelTokenizer;
import dev.rag.ingest.Chunker;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.TextNormalizer;
import dev.rag.ingest.TokenCounter;
import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.ParseResult;
import dev.rag.ingest.parse.ParsedDocument;
import dev.rag.ingest.parse.UnreadableFileException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./rag bench parse --dir DIR}: parse + chunk throughput of the ingest path, in process
 * (ingest-core; no service needed), with the service's settings (384-token chunks, 48 overlap,
 * bge's tokenizer): on a BEIR corpus.jsonl and on a generated PDF of 300 pages. Prints medians of
 * several runs after a warm-up. {@code --adversarial}: the time per MB of hostile inputs as they
 * grow, which stays flat when parsing and chunking are linear.
 */
@Command(
    name = "parse",
    mixinStandardHelpOptions = true,
    description = "Parse + chunk throughput in process (no service needed).")
public class ParseBench implements Callable<Integer> {

  private static final int RUNS = 5;

  @Option(names = "--dir", description = "BEIR-layout directory with corpus.jsonl")
  Path dir;

  @Option(
      names = "--pages",
      defaultValue = "300",
      description = "pages of the generated PDF (default: ${DEFAULT-VALUE})")
  int pages;

  @Option(
      names = "--adversarial",
      description = "time per MB of hostile inputs from 1 KB to 8 MB instead")
  boolean adversarial;

  @Override
  public Integer call() throws IOException {
    if (adversarial) {
      adversarial();
      return 0;
    }
    if (dir == null || !Files.isRegularFile(dir.resolve("corpus.jsonl"))) {
      System.err.println("usage: ./rag bench parse --dir BEIR_DIR (a folder with corpus.jsonl)");
      return 2;
    }
    try (ModelTokenizer tokenizer = ModelTokenizer.load(ModelCatalog.BGE_SMALL_EN_V15)) {
      TokenCounter tokens = tokenizer::count;
      Chunker chunker = new Chunker(384, 48, tokens);
      byte[] corpus = Files.readAllBytes(dir.resolve("corpus.jsonl"));
      report("corpus.jsonl", corpus, chunker, "docs");
      byte[] pdf = pdf(corpus, pages);
      report(pages + "-page PDF", pdf, chunker, "pages");
    }
    return 0;
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

  /** Hostile shapes, each grown from 1 KB to 8 MB. */
  private record Shape(String name, String file, IntFunction<String> make) {}

  private static final List<Shape> SHAPES =
      List.of(
          new Shape("md heading + '#' run", "a.md", n -> "# x" + "#".repeat(n) + "y\n\nBody."),
          new Shape("md first heading + blanks", "a.md", n -> "# t" + " ".repeat(n) + "x\n\nBody."),
          new Shape("text one huge token", "a.txt", n -> "x".repeat(n)),
          new Shape("text blank runs", "a.txt", n -> "a" + " \n\f".repeat(n / 3) + "b"),
          new Shape("text one long sentence", "a.txt", n -> "word ".repeat(n / 5)),
          new Shape(
              "listing, one title repeated",
              "a.txt",
              n ->
                  ("Same title\nAn abstract long enough to be the longest line of its block.\n"
                          + "\u00B7\nNov 3, 2025\n")
                      .repeat(Math.max(2, n / 80))),
          new Shape("html tiny elements", "a.html", n -> "<p>".repeat(n / 3)),
          new Shape("jsonl tiny records", "a.jsonl", n -> "{}\n".repeat(n / 3)));

  /**
   * Parse and chunk time per MB for each hostile shape at growing sizes: linear code gives a flat
   * figure (the first sizes carry fixed costs); a quadratic path grows with the size.
   */
  private static void adversarial() {
    try (ModelTokenizer tokenizer = ModelTokenizer.load(ModelCatalog.BGE_SMALL_EN_V15)) {
      TokenCounter tokens = tokenizer::count;
      Chunker chunker = new Chunker(384, 48, tokens);
      int[] sizes = {1 << 10, 16 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20};
      System.out.printf("%-30s", "shape \\ size");
      for (int size : sizes) {
        System.out.printf("%12s", size < (1 << 20) ? (size >> 10) + " KB" : (size >> 20) + " MB");
      }
      System.out.println("   (median seconds per MB of 3 runs; parse + normalise + chunk)");
      for (Shape shape : SHAPES) {
        runAdversarial(shape, 1 << 12, chunker); // warm-up
        System.out.printf("%-30s", shape.name());
        for (int size : sizes) {
          List<Double> seconds = new ArrayList<>();
          String outcome = "";
          for (int r = 0; r < 3; r++) {
            long start = System.nanoTime();
            outcome = runAdversarial(shape, size, chunker);
            seconds.add((System.nanoTime() - start) / 1e9);
          }
          Collections.sort(seconds);
          double perMb = seconds.get(1) / (size / (double) (1 << 20));
          System.out.printf("%11.3f%s", perMb, outcome.isEmpty() ? " " : "*");
        }
        System.out.println();
      }
      System.out.println(
          "* refused by a limit (the time is the time to refuse): max-html-elements,"
              + " max-documents-per-file");
    }
  }

  /** Parses and chunks one input; returns "" or the limit that refused it. */
  private static String runAdversarial(Shape shape, int size, Chunker chunker) {
    try {
      ParseResult parsed =
          DocumentParsers.parse(
              shape.file(), null, shape.make().apply(size).getBytes(StandardCharsets.UTF_8));
      for (ParsedDocument d : parsed.documents()) {
        chunker.chunk(d.title(), TextNormalizer.normalise(d.text()), d.contentType());
      }
      return "";
    } catch (UnreadableFileException e) {
      return e.getMessage();
    }
  }

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
