package dev.rag.ingest.kafka;

import dev.rag.common.Topics;
import dev.rag.pipeline.KafkaTraces;
import io.opentelemetry.context.Scope;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@value Topics#DOCUMENTS}: chunks each document version and publishes its chunks; turns
 * a tombstone into a deletion. A record that can never be processed (the use case says so with an
 * {@link IllegalArgumentException}, after reporting the document failed) is nacked, which sends it
 * to {@code rag.documents.v1.dlq} with the reason in its headers. Anything else (the broker not
 * acknowledging the chunk events in time, say) may pass: it is retried with backoff and never
 * dead-lettered. The offset is committed only after the chunk events are acknowledged.
 */
@ApplicationScoped
public class DocumentListener {

  private static final Logger LOG = Logger.getLogger(DocumentListener.class);
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  private final DocumentRecords records;
  private final KafkaTraces traces;
  private volatile boolean stopping;

  DocumentListener(DocumentRecords records, KafkaTraces traces) {
    this.records = records;
    this.traces = traces;
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  @Incoming("documents-in")
  @Blocking
  public void onDocument(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    try (KafkaTraces.RecordSpan trace = traces.start(record.topic(), record.headers());
        Scope current = trace.context().makeCurrent()) {
      process(record, trace);
    }
  }

  private void process(ConsumerRecord<String, byte[]> record, KafkaTraces.RecordSpan trace)
      throws InterruptedException {
    long backoff = 250;
    while (true) {
      try {
        records.process(record, null);
        return;
      } catch (IllegalArgumentException e) {
        trace.failed(e);
        throw e;
      } catch (RuntimeException e) {
        if (stopping) {
          trace.failed(e);
          throw e;
        }
        LOG.warnf(
            "Chunking %s delayed: %s; retrying in %d ms", record.key(), e.toString(), backoff);
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }
}
