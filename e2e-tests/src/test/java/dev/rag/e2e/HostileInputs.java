package dev.rag.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Inputs crafted to stop, starve or sink a parser, for every format and door the platform accepts:
 * pathological lines, nesting, decompression, huge tokens, repeated titles, floods of tiny records.
 * Each is what a hostile tenant could send; none may cost the platform more than its limits allow.
 */
final class HostileInputs {

  private HostileInputs() {}

  /** How the input reaches the platform. */
  enum Door {
    /** POST /v1/files with the content type. */
    UPLOAD,
    /** A record produced to rag.documents.v1 with the content type as its header. */
    KAFKA
  }

  /**
   * One hostile input.
   *
   * @param name short name for the report
   * @param format the format it targets
   * @param door how it arrives
   * @param contentType the Content-Type (upload) or content-type header (Kafka)
   * @param body the bytes (for Kafka, the record's value; its key is the tenant's key for {@code
   *     id})
   * @param id the document id it claims, when it names one (Kafka), else the file name
   */
  record Case(String name, String format, Door door, String contentType, byte[] body, String id) {}

  private static final int MB = 1 << 20;

  /** Every case, for the full suite. */
  static List<Case> all(String tenant, String source) {
    List<Case> cases = new ArrayList<>(fast(source));
    cases.add(upload("text-blank-runs", "text", "text/plain", "blanks.txt", blankRuns()));
    cases.add(
        upload(
            "markdown-headings-only",
            "markdown",
            "text/markdown",
            "headings.md",
            "# A heading\n".repeat(200_000)));
    cases.add(upload("html-deep-nesting", "html", "text/html", "deep.html", deepNesting()));
    cases.add(upload("pdf-page-flood", "pdf", "application/pdf", "pages.pdf", pageFlood(5000)));
    cases.add(upload("pdf-double-flate", "pdf", "application/pdf", "double.pdf", flateBomb(true)));
    cases.add(
        upload("jsonl-deep-nesting", "jsonl", "application/jsonl", "nested.jsonl", nestedJsonl()));
    cases.add(upload("listing-repeated-title", "listing", "text/plain", "listing.txt", listing()));
    cases.add(upload("listing-byline-blanks", "listing", "text/plain", "bylines.txt", bylines()));
    cases.add(
        kafka(
            "kafka-json-markdown-hashes",
            "kafka-json",
            "application/json",
            "md-hashes",
            json(
                tenant,
                source,
                "md-hashes",
                "text/markdown",
                "# x" + "#".repeat(2 * MB) + "y\\n\\nBody.")));
    cases.add(
        kafka(
            "kafka-protobuf-metadata-flood",
            "kafka-protobuf",
            "application/x-protobuf",
            "meta-flood",
            protobufDocument(tenant, source, "meta-flood", "text/plain", "Some text.", 100_000)));
    cases.add(
        kafka(
            "kafka-protobuf-html-flood",
            "kafka-protobuf",
            "application/x-protobuf",
            "html-flood",
            protobufDocument(
                tenant, source, "html-flood", "text/html", "<b>x</b>".repeat(1_000_000), 0)));
    return cases;
  }

  /** A case per kind of attack that runs in seconds, for the default test run. */
  static List<Case> fast(String source) {
    return List.of(
        upload(
            "markdown-heading-backtracking",
            "markdown",
            "text/markdown",
            "hashes.md",
            "# x" + "#".repeat(MB) + "y\n\nA body under the heading.\n"),
        upload("text-huge-token", "text", "text/plain", "token.txt", "x".repeat(4 * MB)),
        upload("html-element-flood", "html", "text/html", "flood.html", "<p>".repeat(3 * MB)),
        upload("pdf-flate-bomb", "pdf", "application/pdf", "bomb.pdf", flateBomb(false)),
        upload(
            "jsonl-million-tiny-records",
            "jsonl",
            "application/jsonl",
            "tiny.jsonl",
            "{}\n".repeat(1_200_000)),
        upload(
            "jsonl-huge-string",
            "jsonl",
            "application/jsonl",
            "huge.jsonl",
            "{\"_id\":\"huge\",\"text\":\"" + "a".repeat(18 * MB) + "\"}\n"),
        kafka(
            "kafka-json-deep-nesting",
            "kafka-json",
            "application/json",
            "nested",
            "[".repeat(MB).getBytes(StandardCharsets.UTF_8)));
  }

  private static Case upload(
      String name, String format, String contentType, String file, String body) {
    return upload(name, format, contentType, file, body.getBytes(StandardCharsets.UTF_8));
  }

  private static Case upload(
      String name, String format, String contentType, String file, byte[] body) {
    return new Case(name, format, Door.UPLOAD, contentType, body, file);
  }

  private static Case kafka(
      String name, String format, String contentType, String id, String body) {
    return kafka(name, format, contentType, id, body.getBytes(StandardCharsets.UTF_8));
  }

  private static Case kafka(
      String name, String format, String contentType, String id, byte[] body) {
    return new Case(name, format, Door.KAFKA, contentType, body, id);
  }

  private static String json(
      String tenant, String source, String id, String contentType, String text) {
    return "{\"tenant\":\""
        + tenant
        + "\",\"id\":\""
        + id
        + "\",\"source\":\""
        + source
        + "\",\"contentType\":\""
        + contentType
        + "\",\"text\":\""
        + text
        + "\"}";
  }

  /** A rag.v1.DocumentEvent written by hand (field numbers of documents.proto). */
  private static byte[] protobufDocument(
      String tenant,
      String source,
      String id,
      String contentType,
      String text,
      int metadataEntries) {
    ByteArrayOutputStream document = new ByteArrayOutputStream();
    field(document, 1, id.getBytes(StandardCharsets.UTF_8));
    field(document, 2, source.getBytes(StandardCharsets.UTF_8));
    field(document, 4, text.getBytes(StandardCharsets.UTF_8));
    field(document, 5, contentType.getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < metadataEntries; i++) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      field(entry, 1, ("k" + i).getBytes(StandardCharsets.UTF_8));
      field(entry, 2, "v".getBytes(StandardCharsets.UTF_8));
      field(document, 6, entry.toByteArray());
    }
    ByteArrayOutputStream event = new ByteArrayOutputStream();
    field(event, 1, tenant.getBytes(StandardCharsets.UTF_8));
    field(event, 2, document.toByteArray());
    field(event, 3, "0123456789abcdef01234567".getBytes(StandardCharsets.UTF_8));
    return event.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
    varint(out, (number << 3) | 2);
    varint(out, bytes.length);
    out.writeBytes(bytes);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static String blankRuns() {
    return "a" + " \n".repeat(MB / 2) + "b" + "\n \f \n".repeat(MB / 4) + "c" + " ".repeat(MB);
  }

  private static String deepNesting() {
    return "<html><body>"
        + "<div>".repeat(150_000)
        + "Deep inside."
        + "</div>".repeat(150_000)
        + "</body></html>";
  }

  private static String nestedJsonl() {
    return "{\"_id\":\"deep\",\"text\":\"t\",\"metadata\":{\"a\":"
        + "[".repeat(MB)
        + "]".repeat(MB)
        + "}}\n";
  }

  /** 150,000 papers of one title: over the per-file limit once read, in linear time. */
  private static String listing() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 150_000; i++) {
      s.append("Same title\nThe abstract of paper number ")
          .append(i)
          .append(", long enough to be the longest line here.\n\u00B7\nNov 3, 2025\n");
    }
    return s.toString();
  }

  /** Papers whose bylines are long runs of blanks and bullets. */
  private static String bylines() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      s.append("Title ")
          .append(i)
          .append("\nAn abstract about something, long enough to be taken for the abstract.\n")
          .append("\u2022")
          .append(" \t".repeat(90))
          .append("\u0085x\n")
          .append("\u00B7\nNov 3, 2025\n");
    }
    return s.toString();
  }

  /**
   * A PDF of one page whose content stream is a few hundred kilobytes of Flate data decoding to 300
   * MB (with {@code twice}, compressed twice: a few kilobytes).
   */
  static byte[] flateBomb(boolean twice) {
    byte[] inner = deflate(new byte[0], 300L * MB);
    byte[] stream = twice ? deflate(inner, 0) : inner;
    String filter = twice ? "[/FlateDecode /FlateDecode]" : "/FlateDecode";
    return pdf(1, stream, filter);
  }

  /** A PDF of {@code pages} pages sharing one small content stream. */
  static byte[] pageFlood(int pages) {
    byte[] content = "BT /F1 12 Tf 72 700 Td (A page.) Tj ET".getBytes(StandardCharsets.US_ASCII);
    return pdf(pages, content, null);
  }

  private static byte[] pdf(int pages, byte[] content, String filter) {
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    write(pdf, "%PDF-1.4\n");
    offsets.add(pdf.size());
    write(pdf, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    offsets.add(pdf.size());
    StringBuilder kids = new StringBuilder();
    for (int i = 0; i < pages; i++) {
      kids.append(5 + i).append(" 0 R ");
    }
    write(pdf, "2 0 obj << /Type /Pages /Kids [" + kids + "] /Count " + pages + " >> endobj\n");
    offsets.add(pdf.size());
    write(pdf, "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
    offsets.add(pdf.size());
    write(
        pdf,
        "4 0 obj << /Length "
            + content.length
            + (filter == null ? "" : " /Filter " + filter)
            + " >> stream\n");
    pdf.writeBytes(content);
    write(pdf, "\nendstream endobj\n");
    for (int i = 0; i < pages; i++) {
      offsets.add(pdf.size());
      write(
          pdf,
          (5 + i)
              + " 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
              + " /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >> endobj\n");
    }
    int xref = pdf.size();
    write(pdf, "xref\n0 " + (offsets.size() + 1) + "\n0000000000 65535 f \n");
    for (int offset : offsets) {
      write(pdf, String.format("%010d 00000 n \n", offset));
    }
    write(
        pdf,
        "trailer << /Size "
            + (offsets.size() + 1)
            + " /Root 1 0 R >>\nstartxref\n"
            + xref
            + "\n%%EOF\n");
    return pdf.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** {@code bytes}, or with {@code zeros} > 0 that many '0' characters, Flate-compressed. */
  private static byte[] deflate(byte[] bytes, long zeros) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9))) {
      if (zeros > 0) {
        byte[] block = new byte[MB];
        Arrays.fill(block, (byte) '0');
        for (long n = 0; n < zeros; n += block.length) {
          d.write(block, 0, (int) Math.min(block.length, zeros - n));
        }
      } else {
        d.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
