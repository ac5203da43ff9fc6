package dev.rag.ingest.grpc;

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
import io.smallrye.mutiny.Uni;

/** gRPC door for documents: proto to domain and back, nothing else. */
@GrpcService
public class IngestGrpcService implements Ingest {

  private final IngestService ingest;

  IngestGrpcService(IngestService ingest) {
    this.ingest = ingest;
  }

  @Override
  public Uni<IngestResponse> ingest(IngestRequest request) {
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
  public Uni<DeleteResponse> delete(DeleteRequest request) {
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
  public Uni<DocumentStatus> getStatus(GetStatusRequest request) {
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
