package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks a submission against the contract and the limits ({@code ingest.limits.*}), normalises it,
 * and gives it a version: what every door, and the documents topic's reader, holds documents to.
 */
@ApplicationScoped
public class DocumentValidator {

  /** Source used when a submission names none. */
  public static final String DEFAULT_SOURCE = "default";

  /** Content types the service parses. */
  public static final Set<String> CONTENT_TYPES =
      Set.of("text/plain", "text/markdown", "text/html");

  private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}&&[^\\t]]");

  private final IngestLimits limits;

  @Inject
  DocumentValidator(IngestConfig config) {
    this(limits(config.limits()));
  }

  public DocumentValidator(IngestLimits limits) {
    this.limits = limits;
  }

  private static IngestLimits limits(IngestConfig.Limits l) {
    return new IngestLimits(
        l.maxDocumentBytes(),
        l.maxIdLength(),
        l.maxTitleLength(),
        l.maxMetadataEntries(),
        l.maxMetadataKeyLength(),
        l.maxMetadataValueLength());
  }

  /**
   * Validates and normalises a submission.
   *
   * @throws InvalidDocumentException naming the first field in error
   */
  public VersionedDocument validate(String tenant, DocumentSubmission doc, long nowMillis) {
    if (doc == null) {
      throw new InvalidDocumentException("document", "a document is required");
    }
    String id = doc.id() == null ? "" : doc.id().strip();
    if (id.isEmpty()) {
      throw new InvalidDocumentException("id", "id is required");
    }
    if (id.length() > limits.maxIdLength()) {
      throw new InvalidDocumentException(
          "id", "id is longer than " + limits.maxIdLength() + " characters");
    }
    if (CONTROL.matcher(id).find()) {
      throw new InvalidDocumentException("id", "id must not contain control characters");
    }
    String source =
        doc.source() == null || doc.source().isBlank() ? DEFAULT_SOURCE : doc.source().strip();
    if (!SOURCE.matcher(source).matches()) {
      throw new InvalidDocumentException(
          "source",
          "source must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a"
              + " letter or digit");
    }
    String contentType = normaliseContentType(doc.contentType());
    String title = doc.title() == null ? "" : TextNormalizer.normaliseLine(doc.title());
    if (title.length() > limits.maxTitleLength()) {
      throw new InvalidDocumentException(
          "title", "title is longer than " + limits.maxTitleLength() + " characters");
    }
    if (doc.text() == null || doc.text().isBlank()) {
      throw new InvalidDocumentException("text", "text is required and must not be blank");
    }
    int bytes = utf8Length(doc.text());
    if (bytes > limits.maxDocumentBytes()) {
      throw new InvalidDocumentException(
          "text",
          "text is "
              + bytes
              + " bytes, over the limit of "
              + limits.maxDocumentBytes()
              + " bytes per document");
    }
    String text = TextNormalizer.normalise(doc.text());
    if (text.isBlank()) {
      throw new InvalidDocumentException("text", "text has no readable characters");
    }
    Map<String, String> metadata = validateMetadata(doc.metadata());
    String version = version(source, id, title, contentType, text, metadata);
    return new VersionedDocument(
        tenant, id, source, title, text, contentType, metadata, version, nowMillis);
  }

  private String normaliseContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "text/plain";
    }
    String base = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (base.equals("text/x-markdown")) {
      base = "text/markdown";
    }
    if (!CONTENT_TYPES.contains(base)) {
      throw new InvalidDocumentException(
          "contentType",
          "content type '" + contentType + "' is not supported; use one of " + CONTENT_TYPES);
    }
    return base;
  }

  private Map<String, String> validateMetadata(Map<String, String> metadata) {
    Map<String, String> sorted = new TreeMap<>();
    if (metadata == null) {
      return sorted;
    }
    if (metadata.size() > limits.maxMetadataEntries()) {
      throw new InvalidDocumentException(
          "metadata", "metadata has more than " + limits.maxMetadataEntries() + " entries");
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      String key = e.getKey() == null ? "" : e.getKey().strip();
      if (key.isEmpty() || key.length() > limits.maxMetadataKeyLength()) {
        throw new InvalidDocumentException(
            "metadata",
            "metadata keys must be 1-" + limits.maxMetadataKeyLength() + " characters long");
      }
      String value = e.getValue() == null ? "" : e.getValue();
      if (value.length() > limits.maxMetadataValueLength()) {
        throw new InvalidDocumentException(
            "metadata." + key,
            "metadata value is longer than " + limits.maxMetadataValueLength() + " characters");
      }
      sorted.put(key, value);
    }
    return sorted;
  }

  /**
   * The version of a document: a hash of everything that affects what is indexed, so the same
   * content always gets the same version.
   */
  static String version(
      String source,
      String id,
      String title,
      String contentType,
      String text,
      Map<String, String> metadata) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {source, id, title, contentType, text}) {
        update(digest, part);
      }
      for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
        update(digest, e.getKey());
        update(digest, e.getValue());
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(MessageDigest digest, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    digest.update(
        new byte[] {
          (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8), (byte) bytes.length
        });
    digest.update(bytes);
  }

  /** Bytes of {@code s} in UTF-8, counted without encoding it. */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
