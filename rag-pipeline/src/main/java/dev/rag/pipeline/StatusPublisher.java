package dev.rag.pipeline;

import dev.rag.common.DocumentKey;
import dev.rag.common.EventMessages;
import dev.rag.common.Topics;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Writes the progress of documents to {@value Topics#STATUS}, the same way in every stage: each
 * record names its stage (the service's name without {@code -service}: ingest, embed, retrieve) and
 * the sequence of the record it is about. Status is advisory: a write that fails is logged and
 * never holds up the pipeline. The service configures the channel {@code status-out}.
 */
@ApplicationScoped
public class StatusPublisher {

  private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

  private final MutinyEmitter<byte[]> status;
  private final String stage;

  StatusPublisher(
      @Channel("status-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
          MutinyEmitter<byte[]> status,
      @ConfigProperty(name = "quarkus.application.name") String application) {
    this.status = status;
    this.stage = application.replaceFirst("-service$", "");
  }

  /**
   * Publishes a state of one document version without waiting for the broker (statuses of one
   * document stay in order: one producer, one partition per key).
   *
   * @return the record, or null when the key is not a document key
   * @param key the document key, {@code tenant/source/documentId}
   */
  public DocumentStatus publish(
      String key, String version, DocumentState state, int chunks, String modelId, String reason) {
    return publish(key, version, state, chunks, modelId, reason, null);
  }

  /**
   * Publishes a state of the document's record at {@code sequence} (its offset on the documents
   * topic; null when unknown), without waiting for the broker.
   */
  public DocumentStatus publish(
      String key,
      String version,
      DocumentState state,
      int chunks,
      String modelId,
      String reason,
      Long sequence) {
    DocumentStatus record = record(key, version, state, chunks, modelId, reason, sequence);
    if (record != null) {
      write(key, record).subscribe().with(ok -> {});
    }
    return record;
  }

  /** Publishes without blocking; completes with the record (null for a malformed key). */
  public Uni<DocumentStatus> publishAsync(
      String key, String version, DocumentState state, int chunks, String modelId, String reason) {
    return publishAsync(key, version, state, chunks, modelId, reason, null);
  }

  /**
   * Publishes a state of the document's record at {@code sequence} (null when unknown); completes
   * with the record once the broker has it (null for a malformed key).
   */
  public Uni<DocumentStatus> publishAsync(
      String key,
      String version,
      DocumentState state,
      int chunks,
      String modelId,
      String reason,
      Long sequence) {
    return write(key, record(key, version, state, chunks, modelId, reason, sequence));
  }

  /**
   * Publishes a state of a version together with what describes it (its size in UTF-8 bytes, what
   * tenant quotas count, 0 when not known; its title, format and pages, what lists of documents
   * show), at the sequence of its record (null when unknown); completes with the record once the
   * broker has it (null for a malformed key).
   */
  public Uni<DocumentStatus> publishDescribed(
      String key,
      String version,
      DocumentState state,
      int chunks,
      Long sequence,
      long bytes,
      String title,
      String format,
      int pages) {
    DocumentStatus record = record(key, version, state, chunks, "", "", sequence);
    return write(
        key,
        record == null
            ? null
            : record.toBuilder()
                .setBytes(bytes)
                .setTitle(title == null ? "" : title)
                .setFormat(format == null ? "" : format)
                .setPages(pages)
                .build());
  }

  /**
   * Sends a record; a failure is logged and the record returned all the same (status is advisory).
   */
  private Uni<DocumentStatus> write(String key, DocumentStatus record) {
    if (record == null) {
      return Uni.createFrom().nullItem();
    }
    return status
        .sendMessage(EventMessages.protobuf(key, record.toByteArray()))
        .onFailure()
        .invoke(
            e ->
                LOG.warnf(
                    "Could not publish status %s of %s: %s",
                    record.getState(), key, e.getMessage()))
        .onFailure()
        .recoverWithNull()
        .replaceWith(record);
  }

  private DocumentStatus record(
      String key,
      String version,
      DocumentState state,
      int chunks,
      String modelId,
      String reason,
      Long sequence) {
    DocumentKey document = DocumentKey.parse(key).orElse(null);
    if (document == null) {
      return null;
    }
    DocumentStatus.Builder record = DocumentStatus.newBuilder();
    if (sequence != null) {
      record.setSequence(sequence);
    }
    return record
        .setTenant(document.tenant())
        .setSource(document.source())
        .setDocumentId(document.documentId())
        .setVersion(version == null ? "" : version)
        .setState(state)
        .setChunks(chunks)
        .setModelId(modelId == null ? "" : modelId)
        .setReason(reason == null ? "" : reason)
        .setStage(stage)
        .setUpdatedAtMs(System.currentTimeMillis())
        .build();
  }
}
