package dev.rag.ingest.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.ingest.Chunker;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.QuotaExceededException;
import dev.rag.ingest.TenantQuotas;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.TextNormalizer;
import dev.rag.ingest.TokenCounter;
import dev.rag.ingest.VersionedDocument;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.mapping.EventMapper;
import dev.rag.ingest.parse.HtmlParser;
import dev.rag.ingest.parse.ParsedDocument;
import dev.rag.ingest.parse.UnreadableFileException;
import dev.rag.ingest.status.DocumentStatusStore;
import dev.rag.pipeline.StatusPublisher;
import dev.rag.proto.v1.DocumentEvent;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.DocumentState;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Turns one record of the documents topic into chunk events: a document version is chunked and its
 * chunks published; a tombstone becomes a deletion. Records are protobuf {@code
 * rag.v1.DocumentEvent} (what the services write) or JSON (what external producers may write, see
 * docs/document-event.schema.json), told apart by the {@code content-type} header. Shared by the
 * live consumer and replays.
 */
@ApplicationScoped
public class DocumentProcessor {

  private static final Logger LOG = Logger.getLogger(DocumentProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> JSON_FIELDS =
      Set.of("tenant", "id", "source", "title", "text", "contentType", "metadata");

  private final Chunker chunker;
  private final ChunkPublisher publisher;
  private final StatusPublisher status;
  private final IngestService ingest;
  private final String defaultTenant;
  private final int maxHtmlElements;
  private final Duration publishTimeout;
  private final int maxChunks;
  private final TenantQuotas quotas;
  private final DocumentStatusStore statuses;

  DocumentProcessor(
      IngestConfig config,
      ChunkPublisher publisher,
      StatusPublisher status,
      IngestService ingest,
      TokenCounter tokens,
      TenantQuotas quotas,
      DocumentStatusStore statuses) {
    this.chunker =
        new Chunker(
            config.chunking().maxTokens(),
            config.chunking().overlapTokens(),
            tokens,
            config.chunking().context());
    this.publisher = publisher;
    this.status = status;
    this.ingest = ingest;
    this.defaultTenant = config.tenant();
    this.maxHtmlElements = config.limits().maxHtmlElements();
    this.publishTimeout = config.publishTimeout();
    this.maxChunks = config.limits().maxChunksPerDocument();
    this.quotas = quotas;
    this.statuses = statuses;
  }

  /**
   * Processes a record and waits until its output is acknowledged by the broker.
   *
   * @param targetModel the embedding model a replay is for; null for every model (the live path,
   *     which also reports the document's status)
   * @throws IllegalArgumentException when the record can never be processed; its message is the
   *     reason given in the dead-letter record
   */
  public void process(ConsumerRecord<String, byte[]> record, String targetModel) {
    if (record.value() == null) {
      onTombstone(record.key(), targetModel, record.offset());
      return;
    }
    VersionedDocument doc;
    try {
      doc = read(record);
    } catch (IllegalArgumentException e) {
      throw failed(record, record.key(), "", e.getMessage(), targetModel, e);
    }
    if (targetModel == null && !acceptedByThisService(doc)) {
      // Produced straight to Kafka: the quotas the HTTP and gRPC doors apply, applied here.
      try {
        quotas.check(doc);
      } catch (QuotaExceededException e) {
        throw failed(record, doc.key(), doc.version(), e.getMessage(), targetModel, e);
      }
    }
    String text = doc.text();
    String contentType = doc.contentType();
    String title = doc.title();
    if ("text/html".equals(contentType)) {
      ParsedDocument page;
      try {
        page = HtmlParser.parse(text, maxHtmlElements);
      } catch (UnreadableFileException e) {
        throw failed(record, doc.key(), doc.version(), e.getMessage(), targetModel, e);
      }
      text = TextNormalizer.normalise(page.text());
      contentType = page.contentType();
      title = title.isEmpty() ? TextNormalizer.normaliseLine(page.title()) : title;
    }
    List<TextChunk> chunks = chunker.chunk(title, text, contentType, maxChunks);
    if (chunks.isEmpty()) {
      // Nothing would ever be indexed: say so instead of leaving the document "chunked" forever.
      String reason =
          "nothing to index: the document has no text"
              + (title.isEmpty() ? "" : " besides its title");
      throw failed(record, doc.key(), doc.version(), reason, targetModel, null);
    }
    if (chunks.size() > maxChunks) {
      String reason =
          "the document makes more than "
              + maxChunks
              + " chunks (ingest.limits.max-chunks-per-document); split it";
      throw failed(record, doc.key(), doc.version(), reason, targetModel, null);
    }
    publisher.publish(doc, chunks, targetModel, record.offset()).await().atMost(publishTimeout);
    if (targetModel == null) {
      status.publish(
          doc.key(),
          doc.version(),
          DocumentState.DOCUMENT_STATE_CHUNKED,
          chunks.size(),
          "",
          "",
          record.offset());
    }
    LOG.debugf("Chunked %s version %s into %d chunks", doc.key(), doc.version(), chunks.size());
  }

  /**
   * Reports the record's document failed with {@code reason} (on the live path; a replay reports
   * nothing) and returns the exception that sends the record to the dead-letter topic with it.
   */
  private IllegalArgumentException failed(
      ConsumerRecord<String, byte[]> record,
      String key,
      String version,
      String reason,
      String targetModel,
      Exception cause) {
    if (targetModel == null) {
      status.publish(
          key, version, DocumentState.DOCUMENT_STATE_FAILED, 0, "", reason, record.offset());
    }
    return cause instanceof IllegalArgumentException same
        ? same
        : new IllegalArgumentException(reason, cause);
  }

  /**
   * A protobuf document from an outside producer, validated like a door's submission; the event's
   * own version stands when it has one.
   */
  private VersionedDocument checked(VersionedDocument given) {
    VersionedDocument checked;
    try {
      checked =
          ingest
              .validator()
              .validate(
                  given.tenant(),
                  new DocumentSubmission(
                      given.id(),
                      given.source(),
                      given.title(),
                      given.text(),
                      given.contentType(),
                      given.metadata()),
                  given.acceptedAtMillis());
    } catch (InvalidDocumentException e) {
      throw new IllegalArgumentException(e.field() + ": " + e.getMessage(), e);
    }
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

  /** Whether this version came through a door of the service, which checked its quotas. */
  private boolean acceptedByThisService(VersionedDocument doc) {
    return statuses.get(doc.key()).map(s -> s.getVersion().equals(doc.version())).orElse(false);
  }

  private VersionedDocument read(ConsumerRecord<String, byte[]> record) {
    Header type = record.headers().lastHeader(Topics.CONTENT_TYPE_HEADER);
    String contentType =
        type == null ? Topics.PROTOBUF : new String(type.value(), StandardCharsets.UTF_8).strip();
    String base = contentType.split(";", 2)[0].strip();
    VersionedDocument doc;
    if (base.equals(Topics.JSON)) {
      doc = fromJson(record.value(), record.timestamp());
    } else if (base.equals(Topics.PROTOBUF)) {
      DocumentEvent event;
      try {
        event = DocumentEvent.parseFrom(record.value());
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
      doc = acceptedByThisService(given) ? given : checked(given);
    } else {
      throw new IllegalArgumentException(
          "content-type header '"
              + contentType
              + "' is not supported; use "
              + Topics.JSON
              + " or "
              + Topics.PROTOBUF);
    }
    if (record.key() == null || !record.key().equals(doc.key())) {
      throw new IllegalArgumentException(
          "record key '" + record.key() + "' must be tenant/source/id, i.e. '" + doc.key() + "'");
    }
    return doc;
  }

  /** A JSON document from an external producer: checked like any other door's submission. */
  private VersionedDocument fromJson(byte[] value, long timestamp) {
    JsonNode node;
    try {
      // Strict: bytes that are not UTF-8 are refused, not silently replaced.
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(value))
              .toString();
      node = JSON.readTree(text);
    } catch (java.nio.charset.CharacterCodingException e) {
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
    try {
      return ingest
          .validator()
          .validate(
              tenant == null || tenant.isBlank() ? defaultTenant : tenant,
              new DocumentSubmission(
                  text(node, "id"),
                  text(node, "source"),
                  text(node, "title"),
                  text(node, "text"),
                  text(node, "contentType"),
                  metadata),
              timestamp);
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

  private void onTombstone(String key, String targetModel, long offset) {
    String[] parts = key == null ? new String[0] : key.split("/", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "tombstone key '" + key + "' is not of the form tenant/source/documentId");
    }
    DocumentHeader header =
        DocumentHeader.newBuilder()
            .setTenant(parts[0])
            .setSource(parts[1])
            .setDocumentId(parts[2])
            .setSequence(offset)
            .build();
    publisher.publishDeletion(key, header, targetModel).await().atMost(publishTimeout);
    if (targetModel == null) {
      // A tombstone from any producer: from now on a re-upload is a new version, not "unchanged".
      status.publish(key, "", DocumentState.DOCUMENT_STATE_DELETING, 0, "", "", offset);
    }
    LOG.debugf("Deleted %s", key);
  }
}
