package dev.rag.ingest.grpc;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.proto.v1.DeleteRequest;
import dev.rag.proto.v1.DeleteResponse;
import dev.rag.proto.v1.Document;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.proto.v1.GetStatusRequest;
import dev.rag.proto.v1.Ingest;
import dev.rag.proto.v1.IngestRequest;
import dev.rag.proto.v1.IngestResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/** gRPC door for documents: proto to domain and back, nothing else. */
@GrpcService
public class IngestGrpcService implements Ingest {

  private final IngestService ingest;
  private final Callers callers;

  IngestGrpcService(IngestService ingest, Callers callers) {
    this.ingest = ingest;
    this.callers = callers;
  }

  /** Null when the caller may ingest, else the refusal. */
  private io.grpc.StatusRuntimeException refusal() {
    try {
      callers.requireGrpc(Roles.INGEST);
      return null;
    } catch (io.grpc.StatusRuntimeException e) {
      return e;
    }
  }

  @Override
  @Blocking
  public Uni<IngestResponse> ingest(IngestRequest request) {
    if (refusal() != null) {
      return Uni.createFrom().failure(refusal());
    }
    Document d = request.getDocument();
    DocumentSubmission submission =
        new DocumentSubmission(
            d.getId(),
            d.getSource(),
            d.getTitle(),
            d.getText(),
            d.getContentType(),
            d.getMetadataMap());
    return ingest
        .accept(submission)
        .map(
            a ->
                IngestResponse.newBuilder()
                    .setDocumentId(a.id())
                    .setSource(a.source())
                    .setVersion(a.version())
                    .setPartition(a.partition())
                    .setOffset(a.offset())
                    .setStatus(a.status())
                    .build())
        .onFailure()
        .transform(ExceptionMapping::toStatus);
  }

  @Override
  @Blocking
  public Uni<DeleteResponse> delete(DeleteRequest request) {
    if (refusal() != null) {
      return Uni.createFrom().failure(refusal());
    }
    if (request.getDocumentId().isBlank()) {
      return Uni.createFrom()
          .failure(
              ExceptionMapping.toStatus(
                  new InvalidDocumentException("document_id", "document_id is required")));
    }
    return ingest
        .delete(request.getSource(), request.getDocumentId())
        .map(v -> DeleteResponse.getDefaultInstance());
  }

  @Override
  @Blocking
  public Uni<DocumentStatus> getStatus(GetStatusRequest request) {
    if (refusal() != null) {
      return Uni.createFrom().failure(refusal());
    }
    return ingest
        .status(request.getSource(), request.getDocumentId())
        .map(s -> Uni.createFrom().item(s))
        .orElseGet(
            () ->
                Uni.createFrom()
                    .failure(
                        io.grpc.Status.NOT_FOUND
                            .withDescription("no document '" + request.getDocumentId() + "'")
                            .asRuntimeException()));
  }
}
