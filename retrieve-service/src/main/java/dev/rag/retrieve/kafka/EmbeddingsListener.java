package dev.rag.retrieve.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexService;
import dev.rag.retrieve.IndexedChunk;
import dev.rag.retrieve.InvalidEventException;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@value Topics#EMBEDDINGS} and indexes each event. The offset is committed only after
 * Qdrant has applied the write (upserts and deletes wait for it). While Qdrant is unreachable the
 * event is retried with backoff, so an outage delays indexing but loses nothing; an event that can
 * never be indexed goes to {@code rag.embeddings.v1.dlq} with the reason.
 */
@ApplicationScoped
public class EmbeddingsListener {

  private static final Logger LOG = Logger.getLogger(EmbeddingsListener.class);
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final IndexService index;
  private final StatusPublisher status;
  private volatile boolean stopping;

  EmbeddingsListener(IndexService index, StatusPublisher status) {
    this.index = index;
    this.status = status;
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  @Incoming("embeddings-in")
  @Blocking
  public void onEmbeddings(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    EmbeddingBatch batch;
    try {
      batch = parse(record);
    } catch (InvalidEventException e) {
      status.publish(record.key(), "", DocumentState.DOCUMENT_STATE_FAILED, 0, "", e.getMessage());
      throw e;
    }
    long backoff = 250;
    while (true) {
      try {
        index.apply(batch);
        if (batch.deleted()) {
          status.publish(record.key(), "", DocumentState.DOCUMENT_STATE_DELETED, 0, "", "");
        } else if (batch.lastPart()) {
          status.publish(
              record.key(),
              batch.document().version(),
              DocumentState.DOCUMENT_STATE_INDEXED,
              0,
              batch.modelId(),
              "");
        }
        return;
      } catch (DependencyUnavailableException e) {
        if (stopping) {
          throw e;
        }
        LOG.warnf(
            "Indexing %s delayed: %s; retrying in %d ms", record.key(), e.getMessage(), backoff);
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  static EmbeddingBatch parse(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      throw new InvalidEventException("null value: embedding events are never tombstones");
    }
    EmbeddingsEvent event;
    try {
      event = EmbeddingsEvent.parseFrom(record.value());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidEventException(
          "value is not a protobuf rag.v1.EmbeddingsEvent: " + e.getMessage());
    }
    var h = event.getHeader();
    if (h.getTenant().isEmpty() || h.getSource().isEmpty() || h.getDocumentId().isEmpty()) {
      throw new InvalidEventException("event header lacks tenant, source or document id");
    }
    if (!event.getDeleted() && (event.getModelId().isEmpty() || event.getDimension() <= 0)) {
      throw new InvalidEventException("event lacks a model id or dimension");
    }
    List<IndexedChunk> chunks = new ArrayList<>(event.getChunksCount());
    for (EmbeddedChunk c : event.getChunksList()) {
      float[] vector = new float[c.getVectorCount()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = c.getVector(i);
      }
      var chunk = c.getChunk();
      chunks.add(
          new IndexedChunk(
              chunk.getIndex(),
              chunk.getText(),
              chunk.getSection(),
              chunk.getEmbeddingText().isEmpty() ? chunk.getText() : chunk.getEmbeddingText(),
              vector,
              null,
              chunk.getPageStart(),
              chunk.getPageEnd()));
    }
    return new EmbeddingBatch(
        new DocumentVersion(
            h.getTenant(),
            h.getSource(),
            h.getDocumentId(),
            h.getVersion(),
            h.getTitle(),
            h.getMetadataMap(),
            h.getAcceptedAtMs()),
        event.getModelId(),
        event.getDimension(),
        chunks,
        event.getPart(),
        Math.max(1, event.getPartCount()),
        event.getDeleted());
  }
}
