package dev.rag.retrieve.grpc;

import dev.rag.auth.CallDeadlines;
import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.proto.v1.GetDocumentRequest;
import dev.rag.proto.v1.GetDocumentResponse;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.StatsRequest;
import dev.rag.proto.v1.StatsResponse;
import dev.rag.retrieve.RetrieveService;
import dev.rag.retrieve.mapping.RetrieveMapper;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;

/**
 * gRPC Retrieve: proto to domain and back, for keys with the query role and for the caller's tenant
 * only (a person's key searches its own tenant; only services name the tenant they act for).
 */
@GrpcService
@RolesAllowed(Roles.QUERY)
public class RetrieveGrpcService implements Retrieve {

  private final RetrieveService retrieve;
  private final Callers callers;

  RetrieveGrpcService(RetrieveService retrieve, Callers callers) {
    this.retrieve = retrieve;
    this.callers = callers;
  }

  /** The tenant's passages most relevant to the query, best first. */
  @Override
  @Blocking
  public Uni<RetrieveResponse> retrieve(RetrieveRequest request) {
    try {
      if (CallDeadlines.abandoned()) {
        // Queued behind other work until its caller gave up: nothing to start.
        return Uni.createFrom().failure(CallDeadlines.abandonedStatus().asRuntimeException());
      }
      String tenant = callers.tenantFor(request.getTenant());
      RetrieveService.Result result =
          retrieve.retrieve(RetrieveMapper.query(request, tenant), CallDeadlines::abandoned);
      return Uni.createFrom().item(RetrieveMapper.response(result));
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
  }

  /** The tenant's sources with the documents and passages each holds. */
  @Override
  @Blocking
  public Uni<StatsResponse> stats(StatsRequest request) {
    try {
      String tenant = callers.tenantFor(request.getTenant());
      return Uni.createFrom()
          .item(RetrieveMapper.stats(retrieve.stats(tenant, request.getModelId())));
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
  }

  /** One document's passages in chunk order, for the caller's tenant. */
  @Override
  @Blocking
  public Uni<GetDocumentResponse> getDocument(GetDocumentRequest request) {
    try {
      String tenant = callers.tenantFor(request.getTenant());
      return Uni.createFrom()
          .item(
              RetrieveMapper.document(
                  retrieve.document(
                      tenant, request.getSource(), request.getDocumentId(), request.getLimit())));
    } catch (RuntimeException e) {
      return Uni.createFrom().failure(ExceptionMapping.toStatus(e));
    }
  }
}
