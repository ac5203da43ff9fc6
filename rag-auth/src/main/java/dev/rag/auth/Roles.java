package dev.rag.auth;

/** Role names as {@code @RolesAllowed} spells them. */
public final class Roles {

  /** Add, replace and delete documents; read their status. */
  public static final String INGEST = "ingest";

  /** Ask questions and search. */
  public static final String QUERY = "query";

  /** Everything a tenant may do, operations included. */
  public static final String ADMIN = "admin";

  /** Platform actions across every tenant (replays); not a tenant role: admin lacks it. */
  public static final String OPERATOR = "operator";

  /**
   * A service calling another on behalf of the tenant it names; what it may do there are the other
   * roles its key lists.
   */
  public static final String SERVICE = "service";

  /** The identity attribute holding the caller's tenant. */
  public static final String TENANT_ATTRIBUTE = "rag.tenant";

  private Roles() {}
}
