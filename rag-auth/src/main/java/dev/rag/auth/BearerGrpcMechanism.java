package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.grpc.Metadata;
import io.quarkus.grpc.auth.GrpcSecurityMechanism;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import jakarta.enterprise.context.ApplicationScoped;

/** gRPC: the {@code authorization: Bearer <key>} metadata entry. */
@ApplicationScoped
public class BearerGrpcMechanism implements GrpcSecurityMechanism {

  private final boolean enabled;

  BearerGrpcMechanism(AuthConfig config) {
    this.enabled = config.enabled();
  }

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public boolean handles(Metadata metadata) {
    return enabled && ApiKeys.bearer(metadata.get(AUTHORIZATION)) != null;
  }

  @Override
  public AuthenticationRequest createAuthenticationRequest(Metadata metadata) {
    return new TokenAuthenticationRequest(
        new TokenCredential(ApiKeys.bearer(metadata.get(AUTHORIZATION)), "bearer"));
  }
}
