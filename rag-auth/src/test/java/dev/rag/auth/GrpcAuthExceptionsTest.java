package dev.rag.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import org.junit.jupiter.api.Test;

class GrpcAuthExceptionsTest {

  private final GrpcAuthExceptions exceptions = new GrpcAuthExceptions();

  @Test
  void aCallWithoutAValidKeyIsUnauthenticatedAndToldHowToSendOne() {
    for (RuntimeException failure :
        new RuntimeException[] {new UnauthorizedException(), new AuthenticationFailedException()}) {
      assertThat(exceptions.handlesException(failure)).isTrue();
      Status status = exceptions.transformToStatusException(failure).getStatus();
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(status.getDescription()).contains("authorization: Bearer <key>");
    }
  }

  @Test
  void aKeyWithoutTheRoleIsDeniedNamingTheMethod() {
    Status status = GrpcAuthExceptions.status(new ForbiddenException(), "rag.v1.Embed/Embed");

    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("lacks the role").contains("rag.v1.Embed/Embed");
    assertThat(
            exceptions.transformToStatusException(new ForbiddenException()).getStatus().getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void otherFailuresAreLeftToTheServiceMapping() {
    assertThat(exceptions.handlesException(new IllegalStateException())).isFalse();
  }
}
