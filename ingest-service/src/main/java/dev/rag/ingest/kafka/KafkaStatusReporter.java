package dev.rag.ingest.kafka;

import dev.rag.ingest.DocumentState;
import dev.rag.ingest.DocumentStatus;
import dev.rag.ingest.StatusReporter;
import dev.rag.ingest.mapping.StatusMapper;
import dev.rag.pipeline.StatusPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Ingest's reports on the status topic, written by the pipeline's {@link StatusPublisher}. */
@ApplicationScoped
public class KafkaStatusReporter implements StatusReporter {

  private final StatusPublisher status;

  KafkaStatusReporter(StatusPublisher status) {
    this.status = status;
  }

  @Override
  public void report(
      String key, String version, DocumentState state, int chunks, String reason, Long sequence) {
    status.publish(key, version, StatusMapper.toProto(state), chunks, "", reason, sequence);
  }

  @Override
  public Uni<DocumentStatus> reportAsync(
      String key, String version, DocumentState state, int chunks, String reason, Long sequence) {
    return status
        .publishAsync(key, version, StatusMapper.toProto(state), chunks, "", reason, sequence)
        .map(s -> s == null ? null : StatusMapper.fromProto(s));
  }

  @Override
  public Uni<DocumentStatus> reportAccepted(
      String key, String version, long bytes, Long sequence, DocumentStatus.Description about) {
    return described(key, version, DocumentState.ACCEPTED, 0, sequence, bytes, about)
        .map(s -> s == null ? null : StatusMapper.fromProto(s));
  }

  @Override
  public void reportChunked(
      String key, String version, int chunks, Long sequence, DocumentStatus.Description about) {
    described(key, version, DocumentState.CHUNKED, chunks, sequence, 0, about)
        .subscribe()
        .with(ok -> {});
  }

  private Uni<dev.rag.proto.v1.DocumentStatus> described(
      String key,
      String version,
      DocumentState state,
      int chunks,
      Long sequence,
      long bytes,
      DocumentStatus.Description about) {
    DocumentStatus.Description d = about == null ? DocumentStatus.Description.NONE : about;
    return status.publishDescribed(
        key,
        version,
        StatusMapper.toProto(state),
        chunks,
        sequence,
        bytes,
        d.title(),
        d.format(),
        d.pages());
  }
}
