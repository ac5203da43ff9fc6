package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.parse.HtmlParser;
import dev.rag.ingest.parse.ParsedDocument;
import dev.rag.ingest.parse.UnreadableFileException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Chunking a document version read from the documents topic: its chunks are published (and, on the
 * live path, its status reported); a deletion becomes the deletion of its chunks. Shared by the
 * live consumer and replays, which read the records (see {@code kafka/DocumentRecords}).
 *
 * <p>A document that can never be chunked fails with an {@link IllegalArgumentException} whose
 * message is the reason, after its failure is reported: the caller dead-letters the record with it.
 * Anything else (the chunks not acknowledged in time, say) may pass and is worth retrying.
 */
@ApplicationScoped
public class ChunkingService {

  private static final Logger LOG = Logger.getLogger(ChunkingService.class);

  private final Chunker chunker;
  private final ChunkPublisher publisher;
  private final StatusReporter status;
  private final int maxHtmlElements;
  private final Duration publishTimeout;
  private final int maxChunks;
  private final TenantQuotas quotas;
  private final StatusStore statuses;

  ChunkingService(
      IngestConfig config,
      ChunkPublisher publisher,
      StatusReporter status,
      TokenCounter tokens,
      TenantQuotas quotas,
      StatusStore statuses) {
    this.chunker =
        new Chunker(
            config.chunking().maxTokens(),
            config.chunking().overlapTokens(),
            tokens,
            config.chunking().context(),
            config.chunking().neighbourTokens());
    this.publisher = publisher;
    this.status = status;
    this.maxHtmlElements = config.limits().maxHtmlElements();
    this.publishTimeout = config.publishTimeout();
    this.maxChunks = config.limits().maxChunksPerDocument();
    this.quotas = quotas;
    this.statuses = statuses;
  }

  /**
   * Chunks a version and waits until its chunks are acknowledged.
   *
   * @param sequence the offset of the version's record on the documents topic
   * @param targetModel the embedding model a replay is for; null for every model (the live path,
   *     which also reports the document's status)
   * @throws IllegalArgumentException when the version can never be chunked; its message is the
   *     reason
   */
  public void chunk(VersionedDocument doc, long sequence, String targetModel) {
    if (targetModel == null && !acceptedHere(doc)) {
      // Produced straight to Kafka: the quotas the HTTP and gRPC doors apply, applied here.
      try {
        quotas.check(doc);
      } catch (QuotaExceededException e) {
        throw failed(doc.key(), doc.version(), e.getMessage(), targetModel, sequence, e);
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
        throw failed(doc.key(), doc.version(), e.getMessage(), targetModel, sequence, e);
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
      throw failed(doc.key(), doc.version(), reason, targetModel, sequence, null);
    }
    if (chunks.size() > maxChunks) {
      String reason =
          "the document makes more than "
              + maxChunks
              + " chunks (ingest.limits.max-chunks-per-document); split it";
      throw failed(doc.key(), doc.version(), reason, targetModel, sequence, null);
    }
    publisher.publish(doc, chunks, targetModel, sequence).await().atMost(publishTimeout);
    if (targetModel == null) {
      status.reportChunked(
          doc.key(), doc.version(), chunks.size(), sequence, doc.description(title));
    }
    LOG.debugf("Chunked %s version %s into %d chunks", doc.key(), doc.version(), chunks.size());
  }

  /**
   * Deletes every chunk of the document with {@code key} (a tombstone on the documents topic) and
   * waits until the deletion is acknowledged.
   *
   * @throws IllegalArgumentException when the key is not {@code tenant/source/documentId}
   */
  public void delete(String key, long sequence, String targetModel) {
    String[] parts = key == null ? new String[0] : key.split("/", 3);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "tombstone key '" + key + "' is not of the form tenant/source/documentId");
    }
    publisher
        .publishDeletion(parts[0], parts[1], parts[2], sequence, targetModel)
        .await()
        .atMost(publishTimeout);
    if (targetModel == null) {
      // A tombstone from any producer: from now on a re-upload is a new version, not "unchanged".
      status.report(key, "", DocumentState.DELETING, 0, "", sequence);
    }
    LOG.debugf("Deleted %s", key);
  }

  /**
   * Reports the document failed with {@code reason} (on the live path; a replay reports nothing)
   * and returns the exception that carries the reason to the dead-letter record.
   */
  public IllegalArgumentException failed(
      String key,
      String version,
      String reason,
      String targetModel,
      long sequence,
      Exception cause) {
    if (targetModel == null) {
      status.report(key, version, DocumentState.FAILED, 0, reason, sequence);
    }
    return cause instanceof IllegalArgumentException same
        ? same
        : new IllegalArgumentException(reason, cause);
  }

  /** Whether this version came through a door of the service, which checked it and its quotas. */
  public boolean acceptedHere(VersionedDocument doc) {
    return statuses.get(doc.key()).map(s -> s.version().equals(doc.version())).orElse(false);
  }
}
