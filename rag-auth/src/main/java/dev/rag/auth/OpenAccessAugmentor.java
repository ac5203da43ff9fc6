package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;

/**
 * With authentication off ({@code rag.auth.enabled=false}, development and tests only), makes every
 * anonymous call a development identity of the default tenant: ingest, query and admin there, and
 * operator (the one person of an open setup runs its replays), never the service role, so an open
 * setup still cannot read or write another tenant's documents by naming it.
 */
@ApplicationScoped
public class OpenAccessAugmentor implements SecurityIdentityAugmentor {

  private final AuthConfig config;

  OpenAccessAugmentor(AuthConfig config) {
    this.config = config;
  }

  @Override
  public Uni<SecurityIdentity> augment(
      SecurityIdentity identity, AuthenticationRequestContext context) {
    if (config.enabled() || !identity.isAnonymous()) {
      return Uni.createFrom().item(identity);
    }
    return Uni.createFrom()
        .item(
            ApiKeyIdentityProvider.identity(
                new ApiKeys.Caller(
                    "development",
                    config.defaultTenant(),
                    EnumSet.of(
                        ApiKeys.Role.INGEST,
                        ApiKeys.Role.QUERY,
                        ApiKeys.Role.ADMIN,
                        ApiKeys.Role.OPERATOR))));
  }
}
