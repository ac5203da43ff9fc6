package dev.rag.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.common.Topics;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The scale benchmark's write path: documents as embedding events on {@code rag.embeddings.v1}, as
 * embed-service publishes them (one part, the model's vectors, a sequence so that retrieve-service
 * orders versions as it does for ingested documents), and the waits for retrieve-service to have
 * indexed them and for Qdrant to have optimised the collection.
 */
final class ScaleWriter implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final ScaleProbe probe;
  private final String modelId;
  private final int timeoutMinutes;

  ScaleWriter(KafkaClients kafka, ScaleProbe probe, String modelId, int timeoutMinutes) {
    this.producer =
        kafka.producer(
            Map.of(
                "max.request.size",
                Topics.MAX_MESSAGE_BYTES,
                "linger.ms",
                20,
                "batch.size",
                1 << 20,
                "compression.type",
                "zstd",
                "acks",
                "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    this.probe = probe;
    this.modelId = modelId;
    this.timeoutMinutes = timeoutMinutes;
  }

  /** Sends one document of the passages, one chunk each. */
  void send(String tenant, String source, String documentId, List<ScaleCorpus.Passage> passages) {
    EmbeddingsEvent.Builder event =
        EmbeddingsEvent.newBuilder()
            .setHeader(
                DocumentHeader.newBuilder()
                    .setTenant(tenant)
                    .setSource(source)
                    .setDocumentId(documentId)
                    .setVersion("v1")
                    .setTitle(documentId)
                    .setAcceptedAtMs(System.currentTimeMillis())
                    .setSequence(1))
            .setModelId(modelId)
            .setDimension(passages.get(0).vector().length)
            .setPart(0)
            .setPartCount(1)
            .setTotalChunks(passages.size());
    for (int i = 0; i < passages.size(); i++) {
      ScaleCorpus.Passage p = passages.get(i);
      EmbeddedChunk.Builder chunk =
          EmbeddedChunk.newBuilder()
              .setChunk(
                  Chunk.newBuilder()
                      .setIndex(i)
                      .setText(p.text())
                      .setEmbeddingText(p.text())
                      .setStartOffset(0)
                      .setEndOffset(p.text().length()));
      for (float x : p.vector()) {
        chunk.addVector(x);
      }
      event.addChunks(chunk);
    }
    producer.send(
        new ProducerRecord<>(
            Topics.EMBEDDINGS,
            Topics.documentKey(tenant, source, documentId),
            event.build().toByteArray()));
  }

  void flush() {
    producer.flush();
  }

  /** Waits until the tenant holds {@code target} passages (Qdrant's exact count, every second). */
  void waitForCount(String tenant, long target) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
    long count;
    long lastPrint = 0;
    while ((count = probe.count(tenant)) < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            tenant
                + " holds "
                + count
                + " of "
                + target
                + " passages after "
                + timeoutMinutes
                + " minutes; see retrieve-service's log (./rag logs retrieve)");
      }
      if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(30)) {
        System.out.printf("  %s: %d of %d passages indexed%n", tenant, count, target);
        lastPrint = System.nanoTime();
      }
      Thread.sleep(1000);
    }
  }

  /** Waits until Qdrant's optimizers have finished (the collection is green); its last status. */
  String waitForGreen() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
    String status = "";
    while (System.nanoTime() < deadline) {
      JsonNode info = probe.info();
      status = info == null ? "missing" : info.path("status").asText();
      if (status.equals("green")) {
        break;
      }
      Thread.sleep(1000);
    }
    return status;
  }

  @Override
  public void close() {
    producer.close();
  }
}
