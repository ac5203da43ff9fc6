package dev.rag.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.quarkus.grpc.auth.AuthExceptionHandler;
import io.quarkus.grpc.auth.AuthExceptionHandlerProvider;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.UnauthorizedException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * How gRPC methods declared with {@code @RolesAllowed} refuse a call: UNAUTHENTICATED without a
 * valid key (Quarkus' default answers PERMISSION_DENIED for an anonymous caller), PERMISSION_DENIED
 * when the key lacks the role. It replaces Quarkus' default provider: an enabled alternative, so it
 * is the one bean resolved both where Quarkus picks the highest priority and where it asks for the
 * single resolvable provider (two plain beans would make that lookup ambiguous, and every refusal
 * UNKNOWN).
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class GrpcAuthExceptions implements AuthExceptionHandlerProvider {

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1;
  }

  @Override
  public <ReqT, RespT> AuthExceptionHandler<ReqT, RespT> createHandler(
      ServerCall.Listener<ReqT> listener, ServerCall<ReqT, RespT> serverCall, Metadata metadata) {
    return new AuthExceptionHandler<>(listener, serverCall, metadata) {
      @Override
      protected void handleException(
          Throwable exception, ServerCall<ReqT, RespT> call, Metadata trailers) {
        if (handlesException(exception)) {
          call.close(status(exception), trailers);
        } else {
          super.handleException(exception, call, trailers);
        }
      }
    };
  }

  @Override
  public boolean handlesException(Throwable failure) {
    return failure instanceof AuthenticationException || failure instanceof SecurityException;
  }

  @Override
  public StatusException transformToStatusException(Throwable failure) {
    return status(failure).asException();
  }

  /** The status a refused call answers with. */
  static Status status(Throwable failure) {
    if (failure instanceof AuthenticationException || failure instanceof UnauthorizedException) {
      return Status.UNAUTHENTICATED.withDescription(
          "a valid API key is required (metadata authorization: Bearer <key>)");
    }
    return Status.PERMISSION_DENIED.withDescription(
        "this API key lacks the role this method needs");
  }
}
