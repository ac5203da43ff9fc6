package dev.rag.retrieve.grpc;

import dev.rag.auth.CallDeadlines;
import dev.rag.auth.GrpcErrors;
import dev.rag.retrieve.QueryAbandonedException;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/**
 * Retrieve's failures to gRPC statuses: an abandoned query, then the shared mapping ({@link
 * GrpcErrors}).
 */
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
    return GrpcErrors.toStatus(failure, "Retrieve");
  }
}
