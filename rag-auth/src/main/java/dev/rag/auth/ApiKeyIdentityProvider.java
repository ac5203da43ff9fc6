package dev.rag.auth;

import dev.rag.common.auth.ApiKeys;
import io.quarkus.runtime.Startup;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Turns a presented API key into an identity: the key's name as principal, its roles (admin implies
 * ingest and query; service implies nothing else), and its tenant as the {@link
 * Roles#TENANT_ATTRIBUTE} attribute.
 */
@ApplicationScoped
@Startup
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

  private final KeyRegistry keys;

  ApiKeyIdentityProvider(KeyRegistry keys) {
    this.keys = keys;
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    return keys.caller(request.getToken().getToken())
        .<Uni<SecurityIdentity>>map(caller -> Uni.createFrom().item(identity(caller)))
        .orElseGet(
            () -> Uni.createFrom().failure(new AuthenticationFailedException("unknown API key")));
  }

  static SecurityIdentity identity(ApiKeys.Caller caller) {
    QuarkusSecurityIdentity.Builder identity =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(caller.keyId()))
            .addAttribute(Roles.TENANT_ATTRIBUTE, caller.tenant());
    for (ApiKeys.Role role : ApiKeys.Role.values()) {
      if (caller.may(role)) {
        identity.addRole(role.name().toLowerCase(Locale.ROOT));
      }
    }
    return identity.build();
  }
}
