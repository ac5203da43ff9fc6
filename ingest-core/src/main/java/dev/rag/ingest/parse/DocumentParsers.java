package dev.rag.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an uploaded file into documents. The format comes from the declared content type, then the
 * file name's extension, then the bytes themselves (sniffing); {@code text/plain} and unknown types
 * are sniffed further, so a paper listing or JSON Lines saved as {@code .txt} is still read as what
 * it is.
 */
public final class DocumentParsers {

  /** The formats, with the content types and extensions that name them. */
  public enum Format {
    TEXT("text/plain", List.of("txt", "text")),
    MARKDOWN("text/markdown", List.of("md", "markdown")),
    HTML("text/html", List.of("html", "htm", "xhtml")),
    PDF("application/pdf", List.of("pdf")),
    JSONL("application/jsonl", List.of("jsonl", "ndjson")),
    PAPER_LISTING("text/x-paper-listing", List.of());

    final String contentType;
    final List<String> extensions;

    Format(String contentType, List<String> extensions) {
      this.contentType = contentType;
      this.extensions = extensions;
    }

    public String contentType() {
      return contentType;
    }

    /** The file name extensions that name the format (none: told by its content only). */
    public List<String> extensions() {
      return extensions;
    }
  }

  private static final Map<String, Format> DECLARED =
      Map.ofEntries(
          Map.entry("text/plain", Format.TEXT),
          Map.entry("text/markdown", Format.MARKDOWN),
          Map.entry("text/x-markdown", Format.MARKDOWN),
          Map.entry("text/html", Format.HTML),
          Map.entry("application/xhtml+xml", Format.HTML),
          Map.entry("application/pdf", Format.PDF),
          Map.entry("application/jsonl", Format.JSONL),
          Map.entry("application/x-ndjson", Format.JSONL),
          Map.entry("application/x-jsonlines", Format.JSONL),
          Map.entry("application/jsonlines", Format.JSONL),
          Map.entry("text/x-paper-listing", Format.PAPER_LISTING));

  /** Declared types that say nothing about the format. */
  private static final List<String> UNDECLARED =
      List.of(
          "",
          "application/octet-stream",
          "binary/octet-stream",
          "application/x-www-form-urlencoded");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How much of a file detection reads: the first line of JSON Lines must fit. */
  private static final int HEAD_BYTES = 1 << 20;

  private DocumentParsers() {}

  /** The content types {@link #parse} accepts, for error messages and documentation. */
  public static List<String> supportedContentTypes() {
    return DECLARED.keySet().stream().sorted().toList();
  }

  /**
   * Reads a file held in memory, within the default limits (tests, benchmarks): it is written to a
   * temporary file and read as an upload is.
   *
   * @see #parse(String, String, Path, ParseLimits, DocumentSink)
   */
  public static ParseResult parse(String name, String declaredType, byte[] bytes) {
    Path file = null;
    try {
      file = Files.createTempFile("rag-parse-", ".bin");
      Files.write(file, bytes);
      return parse(name, declaredType, file, ParseLimits.DEFAULTS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // A temporary file left behind is removed with the temporary folder.
        }
      }
    }
  }

  /** Reads a file into a list of its documents and problems. */
  public static ParseResult parse(String name, String declaredType, Path file, ParseLimits limits) {
    List<ParsedDocument> documents = new ArrayList<>();
    List<ParseResult.Problem> problems = new ArrayList<>();
    String format =
        parse(
            name,
            declaredType,
            file,
            limits,
            new DocumentSink() {
              @Override
              public void document(ParsedDocument document) {
                documents.add(document);
              }

              @Override
              public void format(String format) {
                // Returned below.
              }

              @Override
              public void problem(ParseResult.Problem problem) {
                problems.add(problem);
              }
            });
    return new ParseResult(format, documents, problems);
  }

  /**
   * Reads a file, handing its documents to {@code sink} as they are read.
   *
   * <p>Within {@code limits}: a file over {@link ParseLimits#maxFileBytes()} (or, for a format read
   * whole, {@link ParseLimits#maxTextFileBytes()}), or holding more documents than {@link
   * ParseLimits#maxDocumentsPerFile()}, is refused with {@link FileTooLargeException} before any
   * document is handed on; a PDF or page that breaks a limit on reading it, with {@link
   * FileOverLimitException}.
   *
   * @param name the file name (for the extension and messages), may be null
   * @param declaredType the Content-Type the caller gave, may be null
   * @return the format the file was read as
   * @throws UnreadableFileException when nothing can be read from it, with the reason
   */
  public static String parse(
      String name, String declaredType, Path file, ParseLimits limits, DocumentSink sink) {
    long size;
    byte[] head;
    try {
      size = Files.size(file);
      try (var in = Files.newInputStream(file)) {
        head = in.readNBytes(HEAD_BYTES);
      }
    } catch (IOException e) {
      throw new UnreadableFileException("the file could not be read: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new UnreadableFileException("the file is empty");
    }
    if (size > limits.maxFileBytes()) {
      throw new FileTooLargeException(
          "the file is "
              + size
              + " bytes, over the limit of "
              + limits.maxFileBytes()
              + " (ingest.limits.max-file-bytes)");
    }
    Format format = detect(name, declaredType, head);
    String formatName = format.name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (format != Format.PDF && format != Format.JSONL && size > limits.maxTextFileBytes()) {
      throw new FileTooLargeException(
          "the file is "
              + size
              + " bytes, over the limit of "
              + limits.maxTextFileBytes()
              + " for "
              + formatName
              + " files (ingest.limits.max-text-file-bytes)");
    }
    if (format == Format.TEXT) {
      // Plain text may be a paper listing: known only once it is read.
      String text = text(readAll(file));
      if (PaperListingParser.looksLikeListing(text)) {
        sink.format("paper-listing");
        listing(PaperListingParser.parse(text), limits, sink);
        return "paper-listing";
      }
      sink.format(formatName);
      sink.document(new ParsedDocument(null, "", text, "text/plain", Map.of()));
      return formatName;
    }
    sink.format(formatName);
    switch (format) {
      case PDF -> sink.document(PdfParser.parse(file, limits));
      case HTML -> sink.document(HtmlParser.parse(file, limits.maxHtmlElements()));
      case JSONL -> JsonLinesParser.parse(file, limits, sink);
      case MARKDOWN -> {
        String text = text(readAll(file));
        sink.document(
            new ParsedDocument(null, firstHeading(text), text, "text/markdown", Map.of()));
      }
      case PAPER_LISTING -> listing(PaperListingParser.parse(text(readAll(file))), limits, sink);
      case TEXT -> throw new IllegalStateException("read above");
    }
    return formatName;
  }

  /** Hands on a listing's papers, once their number is known to be within the limit. */
  private static void listing(ParseResult listing, ParseLimits limits, DocumentSink sink) {
    if (listing.documents().size() > limits.maxDocumentsPerFile()) {
      throw new FileTooLargeException(
          "the listing holds "
              + listing.documents().size()
              + " papers, over the limit of "
              + limits.maxDocumentsPerFile()
              + " documents per file (ingest.limits.max-documents-per-file); split it");
    }
    listing.problems().forEach(sink::problem);
    listing.documents().forEach(sink::document);
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UnreadableFileException("the file could not be read: " + e.getMessage(), e);
    }
  }

  /** The format of a file: declared type, then extension, then sniffing. */
  public static Format detect(String name, String declaredType, byte[] bytes) {
    String declared =
        declaredType == null ? "" : declaredType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!UNDECLARED.contains(declared)) {
      Format format = DECLARED.get(declared);
      if (format == null) {
        throw new UnreadableFileException(
            "content type '"
                + declared
                + "' is not supported; supported: "
                + supportedContentTypes());
      }
      // text/plain is what most tools call any text file: look closer.
      return format == Format.TEXT ? sniffText(bytes, Format.TEXT) : format;
    }
    String extension = extension(name);
    for (Format f : Format.values()) {
      if (f.extensions.contains(extension)) {
        return f == Format.TEXT ? sniffText(bytes, Format.TEXT) : f;
      }
    }
    return sniff(bytes);
  }

  private static Format sniff(byte[] bytes) {
    if (startsWith(bytes, "%PDF-")) {
      return Format.PDF;
    }
    String head =
        new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.UTF_8)
            .stripLeading()
            .toLowerCase(Locale.ROOT);
    if (head.startsWith("\uFEFF")) {
      head = head.substring(1).stripLeading();
    }
    if (head.startsWith("<!doctype html") || head.startsWith("<html")) {
      return Format.HTML;
    }
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0 && !hasUtf16Bom(bytes)) {
        throw new UnreadableFileException(
            "a binary file of an unsupported type; supported: " + supportedContentTypes());
      }
    }
    return sniffText(bytes, Format.TEXT);
  }

  /** Text that may be JSON Lines (BEIR layout) or a paper listing. */
  private static Format sniffText(byte[] bytes, Format otherwise) {
    // Only the first line matters: look at a bounded prefix (the whole file is decoded once,
    // later).
    String head = new String(bytes, 0, Math.min(bytes.length, 1 << 20), StandardCharsets.UTF_8);
    String first = head.strip().lines().findFirst().orElse("");
    if (first.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(first);
        if (node.isObject() && node.has("_id") && node.has("text")) {
          return Format.JSONL;
        }
      } catch (IOException e) {
        // Not JSON: plain text that starts with a brace.
      }
    }
    return otherwise;
  }

  /**
   * The text of the first level-1 heading ({@code # Title}, optionally closed by '#'s), or empty.
   * Plain scanning: a pattern with a lazy body before optional blanks and marks backtracks over
   * them in quadratic time.
   */
  static String firstHeading(String text) {
    int from = 0;
    while (from < text.length()) {
      int end = text.indexOf('\n', from);
      end = end < 0 ? text.length() : end;
      if (end - from > 2 && text.charAt(from) == '#' && text.charAt(from + 1) == ' ') {
        int start = from + 1;
        while (start < end && text.charAt(start) == ' ') {
          start++;
        }
        int stop = end;
        while (stop > start && text.charAt(stop - 1) == '#') {
          stop--;
        }
        String heading = text.substring(start, stop).strip();
        if (!heading.isEmpty()) {
          return Titles.clip(heading);
        }
      }
      from = end + 1;
    }
    return "";
  }

  /**
   * The bytes as text: UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark.
   *
   * @throws UnreadableFileException for bytes that are not valid text in those encodings
   */
  public static String text(byte[] bytes) {
    if (hasUtf16Bom(bytes)) {
      return new String(bytes, StandardCharsets.UTF_16);
    }
    int skip = startsWith(bytes, "\uFEFF") ? 3 : 0;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UnreadableFileException(
          "not valid UTF-8 text (save it as UTF-8, or send it as PDF or HTML with its charset)");
    }
  }

  private static boolean hasUtf16Bom(byte[] b) {
    return b.length >= 2
        && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF)
            || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE));
  }

  private static boolean startsWith(byte[] bytes, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (bytes[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static String extension(String name) {
    if (name == null) {
      return "";
    }
    String base = name.substring(name.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    return dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
