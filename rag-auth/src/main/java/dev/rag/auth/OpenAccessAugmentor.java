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
 * anonymous call a caller with all roles acting for the default tenant.
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
                    "open-access", config.defaultTenant(), EnumSet.allOf(ApiKeys.Role.class))));
  }
}
