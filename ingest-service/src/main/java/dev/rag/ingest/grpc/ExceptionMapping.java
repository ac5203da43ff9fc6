package dev.rag.ingest.grpc;

import dev.rag.auth.GrpcErrors;
import dev.rag.ingest.InvalidDocumentException;
import io.grpc.Status;
import org.jboss.logging.Logger;

/**
 * Ingest's failures to gRPC statuses: its own cases, then the shared mapping ({@link GrpcErrors}).
 */
final class ExceptionMapping {

  private static final Logger LOG = Logger.getLogger(ExceptionMapping.class);

  private ExceptionMapping() {}

  static Throwable toStatus(Throwable failure) {
    if (failure instanceof InvalidDocumentException invalid) {
      // The document's fields are named within the request, under "document".
      String field =
          invalid.field().equals("document") ? "document" : "document." + invalid.field();
      return GrpcErrors.invalidArgument(field, invalid.getMessage());
    }
    if (failure instanceof org.apache.kafka.common.KafkaException) {
      LOG.warn("Event log unavailable", failure);
      return Status.UNAVAILABLE
          .withDescription("the document could not be stored on the event log; retry later")
          .asRuntimeException();
    }
    return GrpcErrors.toStatus(failure, "Ingest");
  }
}
