package dev.rag.ingest.kafka;

import dev.rag.common.EventMessages;
import dev.rag.common.Topics;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Writes the progress of documents to {@value Topics#STATUS} (stage {@value #STAGE}). Status is
 * advisory: a write that fails is logged and never holds up the pipeline.
 */
@ApplicationScoped
public class StatusPublisher {

  static final String STAGE = "ingest";
  private static final Logger LOG = Logger.getLogger(StatusPublisher.class);

  private final MutinyEmitter<byte[]> status;

  StatusPublisher(
      @Channel("status-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
          MutinyEmitter<byte[]> status) {
    this.status = status;
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
    if (record == null) {
      return null;
    }
    send(key, record)
        .subscribe()
        .with(
            ok -> {},
            e -> LOG.warnf("Could not publish status %s of %s: %s", state, key, e.getMessage()));
    return record;
  }

  /** Publishes without blocking; completes with the record (null for a malformed key). */
  public io.smallrye.mutiny.Uni<DocumentStatus> publishAsync(
      String key, String version, DocumentState state, int chunks, String modelId, String reason) {
    return publishAsync(key, version, state, chunks, modelId, reason, null);
  }

  /**
   * Publishes a state of the document's record at {@code sequence} (null when unknown); completes
   * with the record once the broker has it (null for a malformed key).
   */
  public io.smallrye.mutiny.Uni<DocumentStatus> publishAsync(
      String key,
      String version,
      DocumentState state,
      int chunks,
      String modelId,
      String reason,
      Long sequence) {
    DocumentStatus record = record(key, version, state, chunks, modelId, reason, sequence);
    if (record == null) {
      return io.smallrye.mutiny.Uni.createFrom().nullItem();
    }
    return send(key, record)
        .onFailure()
        .invoke(e -> LOG.warnf("Could not publish status %s of %s: %s", state, key, e.getMessage()))
        .onFailure()
        .recoverWithNull()
        .replaceWith(record);
  }

  /**
   * Publishes that a version was accepted, with its size (what tenant quotas count) and the
   * sequence of its record (null when unknown); completes with the record.
   */
  public io.smallrye.mutiny.Uni<DocumentStatus> publishAccepted(
      String key, String version, long bytes, Long sequence) {
    DocumentStatus record =
        record(key, version, DocumentState.DOCUMENT_STATE_ACCEPTED, 0, "", "", sequence);
    if (record == null) {
      return io.smallrye.mutiny.Uni.createFrom().nullItem();
    }
    DocumentStatus sized = record.toBuilder().setBytes(bytes).build();
    return send(key, sized)
        .onFailure()
        .invoke(e -> LOG.warnf("Could not publish status ACCEPTED of %s: %s", key, e.getMessage()))
        .onFailure()
        .recoverWithNull()
        .replaceWith(sized);
  }

  private io.smallrye.mutiny.Uni<Void> send(String key, DocumentStatus record) {
    return status.sendMessage(EventMessages.protobuf(key, record.toByteArray()));
  }

  private static DocumentStatus record(
      String key,
      String version,
      DocumentState state,
      int chunks,
      String modelId,
      String reason,
      Long sequence) {
    String[] parts = key == null ? new String[0] : key.split("/", 3);
    if (parts.length != 3) {
      return null;
    }
    DocumentStatus.Builder record = DocumentStatus.newBuilder();
    if (sequence != null) {
      record.setSequence(sequence);
    }
    return record
        .setTenant(parts[0])
        .setSource(parts[1])
        .setDocumentId(parts[2])
        .setVersion(version == null ? "" : version)
        .setState(state)
        .setChunks(chunks)
        .setModelId(modelId == null ? "" : modelId)
        .setReason(reason == null ? "" : reason)
        .setStage(STAGE)
        .setUpdatedAtMs(System.currentTimeMillis())
        .build();
  }
}
