package dev.rag.auth;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.rag.common.errors.InvalidArgumentException;
import dev.rag.common.errors.ResourceExhaustedException;
import dev.rag.common.errors.UnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.security.ForbiddenException;
import org.jboss.logging.Logger;

/**
 * The one mapping of failures to gRPC statuses every service's gRPC door uses: the input is wrong
 * (INVALID_ARGUMENT, always with {@code google.rpc.BadRequest} naming the field), a quota is used
 * up (RESOURCE_EXHAUSTED), a dependency cannot answer now (UNAVAILABLE), the caller may not
 * (PERMISSION_DENIED); anything else is INTERNAL with a generic message, its cause logged.
 */
public final class GrpcErrors {

  private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  /** The status a failure of {@code what} (e.g. "Retrieve") answers with. */
  public static StatusRuntimeException toStatus(Throwable failure, String what) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    if (failure instanceof InvalidArgumentException invalid) {
      return invalidArgument(invalid.field(), invalid.getMessage());
    }
    if (failure instanceof ResourceExhaustedException exhausted) {
      return Status.RESOURCE_EXHAUSTED.withDescription(exhausted.getMessage()).asRuntimeException();
    }
    if (failure instanceof UnavailableException unavailable) {
      LOG.warnf("%s: %s", what, unavailable.getMessage());
      return Status.UNAVAILABLE.withDescription(unavailable.getMessage()).asRuntimeException();
    }
    if (failure instanceof ForbiddenException forbidden) {
      return Status.PERMISSION_DENIED.withDescription(forbidden.getMessage()).asRuntimeException();
    }
    LOG.errorf(failure, "%s failed", what);
    return Status.INTERNAL.withDescription("internal error").asRuntimeException();
  }

  /** INVALID_ARGUMENT naming {@code field} (as the request spells it) in the details. */
  public static StatusRuntimeException invalidArgument(String field, String message) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(field + ": " + message)
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField(field)
                                .setDescription(message))
                        .build()))
            .build());
  }
}
