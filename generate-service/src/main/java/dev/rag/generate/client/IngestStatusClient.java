package dev.rag.generate.client;

import dev.rag.generate.DocumentStatuses;
import dev.rag.generate.StatusUnavailableException;
import dev.rag.generate.config.GenerateConfig;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.proto.v1.GetStatusRequest;
import dev.rag.proto.v1.MutinyIngestGrpc.MutinyIngestStub;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Document statuses from ingest-service's gRPC GetStatus, asked with this service's key for the
 * tenant of the caller (ingest-service lets a service name the tenant it acts for, and nothing
 * else). Each call carries a deadline ({@code generate.ingest.timeout}).
 */
@ApplicationScoped
public class IngestStatusClient implements DocumentStatuses {

  private static final String STATE_PREFIX = "DOCUMENT_STATE_";

  private final MutinyIngestStub ingest;
  private final Duration timeout;

  IngestStatusClient(@GrpcClient("ingest") MutinyIngestStub ingest, GenerateConfig config) {
    this.ingest = ingest;
    this.timeout = config.ingest().timeout();
  }

  @Override
  public Optional<Status> status(String tenant, String source, String documentId) {
    GetStatusRequest request =
        GetStatusRequest.newBuilder()
            .setTenant(tenant)
            .setSource(source == null ? "" : source)
            .setDocumentId(documentId)
            .build();
    try {
      DocumentStatus s =
          ingest
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .getStatus(request)
              .await()
              .indefinitely();
      return Optional.of(status(s));
    } catch (StatusRuntimeException e) {
      io.grpc.Status.Code code = e.getStatus().getCode();
      if (code == io.grpc.Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw new StatusUnavailableException(
          switch (code) {
            case DEADLINE_EXCEEDED -> "ingest-service did not answer within " + timeout;
            case UNAUTHENTICATED, PERMISSION_DENIED ->
                "ingest-service refused this service's key (" + e.getStatus() + ")";
            default -> "ingest-service failed: " + e.getStatus();
          },
          e);
    }
  }

  static Status status(DocumentStatus s) {
    String state = s.getState().name();
    if (state.startsWith(STATE_PREFIX)) {
      state = state.substring(STATE_PREFIX.length());
    }
    return new Status(
        s.getDocumentId(),
        s.getSource(),
        s.getVersion(),
        state.toLowerCase(Locale.ROOT),
        s.getChunks(),
        s.getReason(),
        s.getModelId(),
        s.getTitle(),
        s.getFormat(),
        s.getPages(),
        s.getUpdatedAtMs());
  }
}
