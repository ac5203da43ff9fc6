package dev.rag.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;

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
  private static final Pattern FIRST_HEADING = Pattern.compile("(?m)^# +(.+?)\\s*#*$");

  private DocumentParsers() {}

  /** The content types {@link #parse} accepts, for error messages and documentation. */
  public static List<String> supportedContentTypes() {
    return DECLARED.keySet().stream().sorted().toList();
  }

  /**
   * Reads a file.
   *
   * @param name the file name (for the extension and messages), may be null
   * @param declaredType the Content-Type the caller gave, may be null
   * @throws UnreadableFileException when nothing can be read from it, with the reason
   */
  public static ParseResult parse(String name, String declaredType, byte[] bytes) {
    if (bytes.length == 0) {
      throw new UnreadableFileException("the file is empty");
    }
    Format format = detect(name, declaredType, bytes);
    return switch (format) {
      case PDF -> single(format, PdfParser.parse(bytes));
      case HTML -> single(format, html(bytes));
      case MARKDOWN -> {
        String text = text(bytes);
        Matcher heading = FIRST_HEADING.matcher(text);
        yield single(
            format,
            new ParsedDocument(
                null,
                heading.find() ? heading.group(1).strip() : "",
                text,
                "text/markdown",
                Map.of()));
      }
      case JSONL -> JsonLinesParser.parse(text(bytes));
      case PAPER_LISTING -> PaperListingParser.parse(text(bytes));
      case TEXT -> {
        String text = text(bytes);
        yield PaperListingParser.looksLikeListing(text)
            ? PaperListingParser.parse(text)
            : single(format, new ParsedDocument(null, "", text, "text/plain", Map.of()));
      }
    };
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

  private static ParseResult single(Format format, ParsedDocument doc) {
    return new ParseResult(
        format.name().toLowerCase(Locale.ROOT).replace('_', '-'), List.of(doc), List.of());
  }

  private static ParsedDocument html(byte[] bytes) {
    try {
      // jsoup finds the charset from a byte-order mark or the page's meta tag, else UTF-8.
      return HtmlParser.parse(Jsoup.parse(new ByteArrayInputStream(bytes), null, ""));
    } catch (IOException e) {
      throw new UnreadableFileException("not readable HTML: " + e.getMessage(), e);
    }
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
