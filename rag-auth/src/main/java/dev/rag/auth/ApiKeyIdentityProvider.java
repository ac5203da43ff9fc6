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
import org.jboss.logging.Logger;

/**
 * Turns a presented API key into an identity: the key's name as principal, its roles (admin and
 * service imply the others), and its tenant as the {@link Roles#TENANT_ATTRIBUTE} attribute.
 * Refuses to start when authentication is on and no key is configured.
 */
@ApplicationScoped
@Startup
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

  private static final Logger LOG = Logger.getLogger(ApiKeyIdentityProvider.class);

  private final ApiKeys keys;

  ApiKeyIdentityProvider(AuthConfig config) {
    this.keys = ApiKeys.load(config.keysFile(), config.keys());
    if (config.enabled() && keys.size() == 0) {
      throw new IllegalStateException(
          "Authentication is on but no API key is configured: set rag.auth.keys-file"
              + " (RAG_AUTH_KEYS_FILE) to a file of '<id> <sha256-hex> <tenant> <roles>' lines, or"
              + " rag.auth.enabled=false for a development setup");
    }
    if (config.enabled()) {
      LOG.infof("API keys required; %d keys known", keys.size());
    } else {
      LOG.warnf("Authentication is OFF: every call acts for tenant '%s'", config.defaultTenant());
    }
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    return keys.authenticate(request.getToken().getToken())
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
