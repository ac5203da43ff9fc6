package dev.rag.embed.kafka;

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

  static final String STAGE = "embed";
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
   * @param key the document key, {@code tenant/source/documentId}
   */
  public void publish(
      String key, String version, DocumentState state, int chunks, String modelId, String reason) {
    publish(key, version, state, chunks, modelId, reason, null);
  }

  /**
   * Publishes a state of the document's record at {@code sequence} (its offset on the documents
   * topic, from the event's header; null when unknown).
   */
  public void publish(
      String key,
      String version,
      DocumentState state,
      int chunks,
      String modelId,
      String reason,
      Long sequence) {
    String[] parts = key == null ? new String[0] : key.split("/", 3);
    if (parts.length != 3) {
      return;
    }
    DocumentStatus.Builder record =
        DocumentStatus.newBuilder()
            .setTenant(parts[0])
            .setSource(parts[1])
            .setDocumentId(parts[2])
            .setVersion(version == null ? "" : version)
            .setState(state)
            .setChunks(chunks)
            .setModelId(modelId == null ? "" : modelId)
            .setReason(reason == null ? "" : reason)
            .setStage(STAGE)
            .setUpdatedAtMs(System.currentTimeMillis());
    if (sequence != null) {
      record.setSequence(sequence);
    }
    status
        .sendMessage(EventMessages.protobuf(key, record.build().toByteArray()))
        .subscribe()
        .with(
            ok -> {},
            e -> LOG.warnf("Could not publish status %s of %s: %s", state, key, e.getMessage()));
  }
}
