package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * HTTP: {@code Authorization: Bearer <key>}; no header means anonymous (as does any header when
 * authentication is off).
 */
@ApplicationScoped
public class BearerHttpMechanism implements HttpAuthenticationMechanism {

  private final boolean enabled;

  BearerHttpMechanism(AuthConfig config) {
    this.enabled = config.enabled();
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      RoutingContext context, IdentityProviderManager identityProviderManager) {
    String key = ApiKeys.bearer(context.request().getHeader("Authorization"));
    if (key == null || !enabled) {
      return Uni.createFrom().nullItem();
    }
    return identityProviderManager.authenticate(
        new TokenAuthenticationRequest(new TokenCredential(key, "bearer")));
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext context) {
    return Uni.createFrom()
        .item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"rag\""));
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(TokenAuthenticationRequest.class);
  }
}
