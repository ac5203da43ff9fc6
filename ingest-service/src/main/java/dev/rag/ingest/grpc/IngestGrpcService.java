package dev.rag.ingest.grpc;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.FileIngestService;
import dev.rag.ingest.FileIngestService.FileReceipt;
import dev.rag.ingest.FileIngestService.FileUpload;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.ParsePermits;
import dev.rag.ingest.mapping.StatusMapper;
import dev.rag.proto.v1.DeleteRequest;
import dev.rag.proto.v1.DeleteResponse;
import dev.rag.proto.v1.Document;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.proto.v1.FileError;
import dev.rag.proto.v1.GetStatusRequest;
import dev.rag.proto.v1.Ingest;
import dev.rag.proto.v1.IngestFileRequest;
import dev.rag.proto.v1.IngestFileResponse;
import dev.rag.proto.v1.IngestRequest;
import dev.rag.proto.v1.IngestResponse;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;

/**
 * gRPC door for documents and files: proto to domain and back, nothing else. Every method needs the
 * ingest role (UNAUTHENTICATED without a valid key, PERMISSION_DENIED without the role); the tenant
 * is always the caller's key's, except that a service may read a status for the tenant it names.
 */
@GrpcService
@RolesAllowed(Roles.INGEST)
public class IngestGrpcService implements Ingest {

  private final IngestService ingest;
  private final FileIngestService files;
  private final Callers callers;
  private final ParsePermits permits;

  IngestGrpcService(
      IngestService ingest, FileIngestService files, Callers callers, ParsePermits permits) {
    this.ingest = ingest;
    this.files = files;
    this.callers = callers;
    this.permits = permits;
  }

  @Override
  @Blocking
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
        .accept(callers.tenant(), submission)
        .map(IngestGrpcService::receipt)
        .onFailure()
        .transform(ExceptionMapping::toStatus);
  }

  @Override
  @Blocking
  public Uni<IngestFileResponse> ingestFile(IngestFileRequest request) {
    String file = request.getFilename().isBlank() ? "upload" : request.getFilename();
    FileReceipt receipt;
    try (ParsePermits.Permit forKey = permits.forKey(callers.keyId())) {
      receipt =
          files.ingest(
              callers.tenant(),
              request.getContent().toByteArray(),
              new FileUpload(file, null, null, request.getSource(), null));
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
    IngestFileResponse.Builder response =
        IngestFileResponse.newBuilder().setFilename(receipt.file()).setFormat(receipt.format());
    receipt.documents().forEach(a -> response.addDocuments(receipt(a)));
    receipt
        .errors()
        .forEach(
            e ->
                response.addErrors(
                    FileError.newBuilder()
                        .setWhere(e.where() == null ? "" : e.where())
                        .setDocumentId(e.id() == null ? "" : e.id())
                        .setReason(e.reason() == null ? "" : e.reason())));
    return Uni.createFrom().item(response.build());
  }

  @Override
  @Blocking
  public Uni<DeleteResponse> delete(DeleteRequest request) {
    if (request.getDocumentId().isBlank()) {
      return Uni.createFrom()
          .failure(
              ExceptionMapping.toStatus(
                  new InvalidDocumentException("document_id", "document_id is required")));
    }
    return ingest
        .delete(callers.tenant(), request.getSource(), request.getDocumentId())
        .map(v -> DeleteResponse.getDefaultInstance());
  }

  /**
   * A document's status, for a person's key with the ingest role, or for a service
   * (generate-service answering an MCP client) on behalf of the tenant it names.
   */
  @Override
  @Blocking
  @RolesAllowed({Roles.INGEST, Roles.SERVICE})
  public Uni<DocumentStatus> getStatus(GetStatusRequest request) {
    String tenant = callers.tenantFor(request.getTenant());
    if (tenant.isBlank()) {
      return Uni.createFrom()
          .failure(
              ExceptionMapping.toStatus(
                  new InvalidDocumentException("tenant", "a service must name the tenant")));
    }
    return ingest
        .status(tenant, request.getSource(), request.getDocumentId())
        .map(s -> Uni.createFrom().item(StatusMapper.toProto(s)))
        .orElseGet(
            () ->
                Uni.createFrom()
                    .failure(
                        Status.NOT_FOUND
                            .withDescription("no document '" + request.getDocumentId() + "'")
                            .asRuntimeException()));
  }

  private static IngestResponse receipt(AcceptedDocument a) {
    return IngestResponse.newBuilder()
        .setDocumentId(a.id())
        .setSource(a.source())
        .setVersion(a.version())
        .setPartition(a.partition())
        .setOffset(a.offset())
        .setStatus(a.status())
        .build();
  }
}
