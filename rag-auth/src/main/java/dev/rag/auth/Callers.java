package dev.rag.auth;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The tenant the current call acts for, from its authenticated identity: never from what the
 * request says, except for services, which call on behalf of the tenant they name.
 */
@ApplicationScoped
public class Callers {

  @Inject SecurityIdentity identity;

  /** The caller's own tenant. */
  public String tenant() {
    String tenant = identity.getAttribute(Roles.TENANT_ATTRIBUTE);
    if (tenant == null) {
      throw new UnauthorizedException("an API key is required");
    }
    return tenant;
  }

  /**
   * The tenant to act for when the request names one: a service acts for the tenant it names (its
   * caller's; blank stays blank, for the caller to refuse); anyone else gets their own, and naming
   * another is refused.
   *
   * @throws ForbiddenException when a caller names a tenant not its own
   */
  public String tenantFor(String requested) {
    String own = tenant();
    if (identity.hasRole(Roles.SERVICE)) {
      // A service must say whom it acts for; a blank tenant is the caller's mistake to report.
      return requested == null ? "" : requested;
    }
    if (requested == null || requested.isBlank() || requested.equals(own)) {
      return own;
    }
    throw new ForbiddenException("this key cannot act for tenant '" + requested + "'");
  }

  /** Whether the caller's key has {@code role} (admin implies the tenant roles). */
  public boolean hasRole(String role) {
    return identity.hasRole(role);
  }

  /** The key's name, for logs and limits. */
  public String keyId() {
    return identity.getPrincipal() == null ? "anonymous" : identity.getPrincipal().getName();
  }
}
