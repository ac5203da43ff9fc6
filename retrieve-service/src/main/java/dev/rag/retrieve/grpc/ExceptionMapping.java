package dev.rag.retrieve.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.rag.auth.CallDeadlines;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.InvalidQueryException;
import dev.rag.retrieve.QueryAbandonedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.jboss.logging.Logger;

/** Domain exceptions to gRPC statuses. */
final class ExceptionMapping {

  private static final Logger LOG = Logger.getLogger(ExceptionMapping.class);

  private ExceptionMapping() {}

  static StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    if (failure instanceof QueryAbandonedException || CallDeadlines.abandoned()) {
      // The caller has gone: whatever failed (a Qdrant call cancelled with it) is no news.
      LOG.debugf("Query abandoned by its caller: %s", failure.getMessage());
      return CallDeadlines.abandonedStatus().asRuntimeException();
    }
    if (failure instanceof io.quarkus.security.ForbiddenException forbidden) {
      return io.grpc.Status.PERMISSION_DENIED
          .withDescription(forbidden.getMessage())
          .asRuntimeException();
    }
    if (failure instanceof InvalidQueryException invalid) {
      return StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(Code.INVALID_ARGUMENT_VALUE)
              .setMessage(invalid.field() + ": " + invalid.getMessage())
              .addDetails(
                  Any.pack(
                      BadRequest.newBuilder()
                          .addFieldViolations(
                              BadRequest.FieldViolation.newBuilder()
                                  .setField(invalid.field())
                                  .setDescription(invalid.getMessage()))
                          .build()))
              .build());
    }
    if (failure instanceof DependencyUnavailableException unavailable) {
      LOG.warn(unavailable.getMessage());
      return Status.UNAVAILABLE.withDescription(unavailable.getMessage()).asRuntimeException();
    }
    LOG.error("Retrieve failed", failure);
    return Status.INTERNAL.withDescription("internal error").asRuntimeException();
  }
}
