package dev.rag.ingest.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import dev.rag.ingest.InvalidDocumentException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.jboss.logging.Logger;

/** Domain exceptions to gRPC statuses. */
final class ExceptionMapping {

  private static final Logger LOG = Logger.getLogger(ExceptionMapping.class);

  private ExceptionMapping() {}

  static Throwable toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException) {
      return failure;
    }
    if (failure instanceof InvalidDocumentException invalid) {
      String field =
          invalid.field().equals("document") ? "document" : "document." + invalid.field();
      BadRequest details =
          BadRequest.newBuilder()
              .addFieldViolations(
                  BadRequest.FieldViolation.newBuilder()
                      .setField(field)
                      .setDescription(invalid.getMessage()))
              .build();
      return StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(Code.INVALID_ARGUMENT_VALUE)
              .setMessage(field + ": " + invalid.getMessage())
              .addDetails(Any.pack(details))
              .build());
    }
    if (failure instanceof dev.rag.ingest.QuotaExceededException quota) {
      return io.grpc.Status.RESOURCE_EXHAUSTED
          .withDescription(quota.getMessage())
          .asRuntimeException();
    }
    if (failure instanceof org.apache.kafka.common.KafkaException) {
      LOG.warn("Event log unavailable", failure);
      return io.grpc.Status.UNAVAILABLE
          .withDescription("the document could not be stored on the event log; retry later")
          .asRuntimeException();
    }
    LOG.error("Ingest failed", failure);
    return io.grpc.Status.INTERNAL.withDescription("internal error").asRuntimeException();
  }
}
