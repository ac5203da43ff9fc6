package dev.rag.ingest.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.DocumentValidator;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.proto.v1.DocumentEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The external contract of {@value Topics#DOCUMENTS}: a record's value as a document version.
 * Values are protobuf {@code rag.v1.DocumentEvent} (what the services write) or JSON (what external
 * producers may write, see {@code docs/rag.documents.v1.schema.json}), told apart by the record's
 * {@code content-type} header; either is held to the contract and limits every door applies.
 */
@ApplicationScoped
public class DocumentEventReader {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> JSON_FIELDS =
      Set.of("tenant", "id", "source", "title", "text", "contentType", "metadata");

  private final DocumentValidator validator;
  private final String defaultTenant;

  @Inject
  DocumentEventReader(DocumentValidator validator, IngestConfig config) {
    this(validator, config.tenant());
  }

  /**
   * @param defaultTenant the tenant of a JSON document that names none
   */
  public DocumentEventReader(DocumentValidator validator, String defaultTenant) {
    this.validator = validator;
    this.defaultTenant = defaultTenant;
  }

  /**
   * Reads a record's value.
   *
   * @param key the record's key, which must be the document's {@code tenant/source/id}
   * @param contentType the record's {@code content-type} header; null for protobuf
   * @param timestamp the record's timestamp, the accepted time of a JSON document
   * @param checkedAtADoor whether a protobuf version was accepted (and so checked) by a door of the
   *     service already; any other is checked here
   * @throws IllegalArgumentException when the value breaks the contract; the message says how
   */
  public VersionedDocument read(
      String key,
      String contentType,
      byte[] value,
      long timestamp,
      Predicate<VersionedDocument> checkedAtADoor) {
    String type = contentType == null ? Topics.PROTOBUF : contentType.strip();
    String base = type.split(";", 2)[0].strip();
    VersionedDocument doc;
    if (base.equals(Topics.JSON)) {
      doc = fromJson(value, timestamp);
    } else if (base.equals(Topics.PROTOBUF)) {
      doc = fromProtobuf(value, checkedAtADoor);
    } else {
      throw new IllegalArgumentException(
          "content-type header '"
              + type
              + "' is not supported; use "
              + Topics.JSON
              + " or "
              + Topics.PROTOBUF);
    }
    if (key == null || !key.equals(doc.key())) {
      throw new IllegalArgumentException(
          "record key '" + key + "' must be tenant/source/id, i.e. '" + doc.key() + "'");
    }
    return doc;
  }

  private VersionedDocument fromProtobuf(
      byte[] value, Predicate<VersionedDocument> checkedAtADoor) {
    DocumentEvent event;
    try {
      event = DocumentEvent.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "value is not a protobuf rag.v1.DocumentEvent: " + e.getMessage(), e);
    }
    if (event.getTenant().isEmpty() || event.getDocument().getId().isEmpty()) {
      throw new IllegalArgumentException("event has no tenant or document id");
    }
    VersionedDocument given = EventMapper.fromEvent(event);
    // A version this service accepted was checked at its door; one from an outside producer is
    // held to the same limits (metadata entries, sizes) here.
    return checkedAtADoor.test(given) ? given : checked(given);
  }

  /**
   * A protobuf document from an outside producer; the event's own version stands when it has one.
   */
  private VersionedDocument checked(VersionedDocument given) {
    VersionedDocument checked =
        validate(
            given.tenant(),
            new DocumentSubmission(
                given.id(),
                given.source(),
                given.title(),
                given.text(),
                given.contentType(),
                given.metadata()),
            given.acceptedAtMillis());
    return given.version().isEmpty()
        ? checked
        : new VersionedDocument(
            checked.tenant(),
            checked.id(),
            checked.source(),
            checked.title(),
            checked.text(),
            checked.contentType(),
            checked.metadata(),
            given.version(),
            checked.acceptedAtMillis());
  }

  /** A JSON document from an external producer: checked like any other door's submission. */
  private VersionedDocument fromJson(byte[] value, long timestamp) {
    JsonNode node;
    try {
      // Strict: bytes that are not UTF-8 are refused, not silently replaced.
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
      node = JSON.readTree(text);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("value is not valid UTF-8 (" + e + ")", e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("value is not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("value must be a JSON object");
    }
    for (var names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!JSON_FIELDS.contains(name)) {
        throw new IllegalArgumentException("unknown field '" + name + "'; fields: " + JSON_FIELDS);
      }
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
                if (!e.getValue().isValueNode()) {
                  throw new IllegalArgumentException(
                      "metadata." + e.getKey() + " must be a string, number or boolean");
                }
                if (!e.getValue().isNull()) {
                  metadata.put(e.getKey(), e.getValue().asText());
                }
              });
    }
    String tenant = text(node, "tenant");
    return validate(
        tenant == null || tenant.isBlank() ? defaultTenant : tenant,
        new DocumentSubmission(
            text(node, "id"),
            text(node, "source"),
            text(node, "title"),
            text(node, "text"),
            text(node, "contentType"),
            metadata),
        timestamp);
  }

  private VersionedDocument validate(String tenant, DocumentSubmission submission, long millis) {
    try {
      return validator.validate(tenant, submission, millis);
    } catch (InvalidDocumentException e) {
      throw new IllegalArgumentException(e.field() + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return v.asText();
  }
}
