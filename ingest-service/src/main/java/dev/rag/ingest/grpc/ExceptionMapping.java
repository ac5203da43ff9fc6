package dev.rag.ingest.grpc;

import dev.rag.auth.GrpcErrors;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.ParsePermits;
import dev.rag.ingest.parse.FileTooLargeException;
import dev.rag.ingest.parse.UnreadableFileException;
import io.grpc.Status;
import org.apache.kafka.common.KafkaException;
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
    if (failure instanceof FileTooLargeException || failure instanceof ParsePermits.BusyException) {
      return Status.RESOURCE_EXHAUSTED.withDescription(failure.getMessage()).asRuntimeException();
    }
    if (failure instanceof UnreadableFileException unreadable) {
      // The file yields nothing, or its content breaks a limit on reading it.
      return GrpcErrors.invalidArgument("content", unreadable.getMessage());
    }
    if (failure instanceof KafkaException) {
      LOG.warn("Event log unavailable", failure);
      return Status.UNAVAILABLE
          .withDescription("the document could not be stored on the event log; retry later")
          .asRuntimeException();
    }
    return GrpcErrors.toStatus(failure, "Ingest");
  }
}
