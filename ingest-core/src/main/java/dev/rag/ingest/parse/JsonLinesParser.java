package dev.rag.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON Lines in the BEIR corpus layout: one document per line, {@code {"_id", "title", "text",
 * "metadata"}} with {@code _id} and {@code text} required. A line that breaks the layout is
 * reported with its number and reason; the other lines go through.
 */
public final class JsonLinesParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLinesParser() {}

  /**
   * Reads a JSON Lines file line by line: memory is bounded by the longest line allowed, whatever
   * the size of the file. The lines are counted first, so a file over the per-file limit is refused
   * before any of its documents is handed on.
   *
   * @throws FileTooLargeException when the file has more than {@code maxDocumentsPerFile} lines
   */
  public static void parse(Path file, ParseLimits limits, DocumentSink sink) {
    // A line holds one document as JSON: its text (escaped, so up to twice as long) and the rest.
    long maxLineBytes = 2L * limits.maxDocumentBytes() + (1 << 20);
    try {
      long records = countNonBlankLines(file);
      if (records > limits.maxDocumentsPerFile()) {
        throw new FileTooLargeException(
            "the file holds "
                + records
                + " records, over the limit of "
                + limits.maxDocumentsPerFile()
                + " documents per file (ingest.limits.max-documents-per-file); split it");
      }
      Lines lines = new Lines(maxLineBytes, sink);
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          int from = 0;
          for (int i = 0; i < n; i++) {
            if (buffer[i] == '\n') {
              lines.append(buffer, from, i - from);
              lines.end();
              from = i + 1;
            }
          }
          lines.append(buffer, from, n - from);
        }
        lines.end();
      }
    } catch (IOException e) {
      throw new UnreadableFileException("the file could not be read: " + e.getMessage(), e);
    }
  }

  /** Lines that hold more than blanks: the records of the file. */
  static long countNonBlankLines(Path file) throws IOException {
    long count = 0;
    boolean blank = true;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        for (int i = 0; i < n; i++) {
          byte c = buffer[i];
          if (c == '\n') {
            count += blank ? 0 : 1;
            blank = true;
          } else if (c != ' ' && c != '\t' && c != '\r') {
            blank = false;
          }
        }
      }
    }
    return count + (blank ? 0 : 1);
  }

  /** Collects the bytes of one line at a time, up to the limit; a longer line is skipped. */
  private static final class Lines {
    private final long maxLineBytes;
    private final DocumentSink sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long number;
    private boolean tooLong;

    Lines(long maxLineBytes, DocumentSink sink) {
      this.maxLineBytes = maxLineBytes;
      this.sink = sink;
    }

    void append(byte[] bytes, int from, int length) {
      if (tooLong || length == 0) {
        return;
      }
      if (line.size() + (long) length > maxLineBytes) {
        tooLong = true;
        line.reset();
        return;
      }
      line.write(bytes, from, length);
    }

    void end() {
      number++;
      if (tooLong) {
        sink.problem(
            new ParseResult.Problem(
                "line " + number,
                "the line is over "
                    + maxLineBytes
                    + " bytes (twice ingest.limits.max-document-bytes, plus 1 MiB)"));
      } else if (line.size() > 0) {
        byte[] bytes = line.toByteArray();
        int skip =
            number == 1
                    && bytes.length >= 3
                    && bytes[0] == (byte) 0xEF
                    && bytes[1] == (byte) 0xBB
                    && bytes[2] == (byte) 0xBF
                ? 3
                : 0;
        readLine(Arrays.copyOfRange(bytes, skip, bytes.length), number, sink);
      }
      line.reset();
      tooLong = false;
    }
  }

  private static void readLine(byte[] bytes, long number, DocumentSink sink) {
    String where = "line " + number;
    String line;
    try {
      line =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString()
              .strip();
    } catch (CharacterCodingException e) {
      sink.problem(new ParseResult.Problem(where, "not valid UTF-8"));
      return;
    }
    if (line.isEmpty()) {
      return;
    }
    try {
      sink.document(document(JSON.readTree(line)));
    } catch (JsonProcessingException e) {
      sink.problem(new ParseResult.Problem(where, "not JSON: " + e.getOriginalMessage()));
    } catch (IllegalArgumentException e) {
      sink.problem(new ParseResult.Problem(where, e.getMessage()));
    }
  }

  private static ParsedDocument document(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a line must be a JSON object");
    }
    JsonNode id = node.get("_id");
    if (id == null || !id.isValueNode() || id.asText().isBlank()) {
      throw new IllegalArgumentException("_id is required (a string or number)");
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new IllegalArgumentException("text is required and must be a string");
    }
    JsonNode title = node.get("title");
    if (title != null && !title.isNull() && !title.isTextual()) {
      throw new IllegalArgumentException("title must be a string");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = node.get("metadata");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw new IllegalArgumentException("metadata must be an object");
      }
      meta.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                  metadata.put(e.getKey(), e.getValue().asText());
                } else if (!e.getValue().isNull()) {
                  // Nested values (BEIR sometimes carries lists) are kept as their JSON text.
                  metadata.put(e.getKey(), e.getValue().toString());
                }
              });
    }
    return new ParsedDocument(
        id.asText(),
        title == null || title.isNull() ? "" : title.asText(),
        text.asText(),
        "text/plain",
        metadata);
  }
}
