package dev.rag.ingest.grpc;

import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.IngestService;
import dev.rag.proto.v1.Document;
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
                    .build())
        .onFailure()
        .transform(ExceptionMapping::toStatus);
  }
}
