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
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * What a gRPC caller hears when {@code @RolesAllowed} refuses it: UNAUTHENTICATED when the call
 * came without a valid key, PERMISSION_DENIED when the key lacks the method's role, each with a
 * description saying what to do (Quarkus's default answers an anonymous call with PERMISSION_DENIED
 * and, outside dev and test, says nothing).
 */
@Singleton
@Alternative
@Priority(1)
public class GrpcAuthExceptions implements AuthExceptionHandlerProvider {

  static final String KEY_REQUIRED =
      "a valid API key is required (metadata authorization: Bearer <key>)";

  @Override
  public int getPriority() {
    return DEFAULT_PRIORITY + 1;
  }

  @Override
  public <Q, R> AuthExceptionHandler<Q, R> createHandler(
      ServerCall.Listener<Q> listener, ServerCall<Q, R> call, Metadata metadata) {
    return new AuthExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(Throwable failure, ServerCall<Q, R> call, Metadata metadata) {
        if (handlesException(failure)) {
          call.close(status(failure, call.getMethodDescriptor().getFullMethodName()), metadata);
        } else {
          super.handleException(failure, call, metadata);
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
    return status(failure, null).asException();
  }

  /** The status for a refused call of {@code method} (null when not known). */
  static Status status(Throwable failure, String method) {
    if (failure instanceof AuthenticationException || failure instanceof UnauthorizedException) {
      return Status.UNAUTHENTICATED.withDescription(KEY_REQUIRED);
    }
    return Status.PERMISSION_DENIED.withDescription(
        method == null
            ? "this API key lacks the role this call requires"
            : "this API key lacks the role " + method + " requires");
  }
}
