package dev.rag.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.common.auth.ApiKeys.Role;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void aKeyIsKnownByItsDigestAndMapsToItsTenantAndRoles() {
    String alice = ApiKeys.newKey();
    String bob = ApiKeys.newKey();
    ApiKeys keys =
        ApiKeys.parse(
            List.of(
                "# people",
                "alice " + ApiKeys.digest(alice) + " lab-a query,ingest",
                "",
                "bob " + ApiKeys.digest(bob).toUpperCase() + " lab-b admin"));
    assertThat(keys.size()).isEqualTo(2);
    ApiKeys.Caller a = keys.authenticate(alice).orElseThrow();
    assertThat(a.tenant()).isEqualTo("lab-a");
    assertThat(a.may(Role.QUERY)).isTrue();
    assertThat(a.may(Role.ADMIN)).isFalse();
    ApiKeys.Caller b = keys.authenticate(bob).orElseThrow();
    assertThat(b.may(Role.INGEST)).isTrue();
    assertThat(b.may(Role.SERVICE)).isFalse();
    // Operator spans every tenant: no tenant role implies it, not even admin.
    assertThat(b.may(Role.OPERATOR)).isFalse();
    assertThat(keys.authenticate(alice + "x")).isEmpty();
    assertThat(keys.authenticate("")).isEmpty();
    assertThat(keys.authenticate(null)).isEmpty();
  }

  @Test
  void anOperatorKeyMayRunPlatformActionsButAServiceKeyMayNot() {
    String ops = ApiKeys.newKey();
    String svc = ApiKeys.newKey();
    ApiKeys keys =
        ApiKeys.parse(
            List.of(
                "ops " + ApiKeys.digest(ops) + " default operator",
                "svc " + ApiKeys.digest(svc) + " default service"));
    assertThat(keys.authenticate(ops).orElseThrow().may(Role.OPERATOR)).isTrue();
    assertThat(keys.authenticate(svc).orElseThrow().may(Role.OPERATOR)).isFalse();
  }

  @Test
  void aServiceKeyMayDoOnlyWhatItsOtherRolesSay() {
    ApiKeys.Caller generate =
        new ApiKeys.Caller("generate-service", "default", Set.of(Role.SERVICE, Role.QUERY));
    assertThat(generate.isService()).isTrue();
    assertThat(generate.may(Role.QUERY)).isTrue();
    assertThat(generate.may(Role.INGEST)).isFalse();
    assertThat(generate.may(Role.ADMIN)).isFalse();
    ApiKeys.Caller bare = new ApiKeys.Caller("bare", "default", Set.of(Role.SERVICE));
    assertThat(bare.may(Role.QUERY)).isFalse();
    assertThat(bare.may(Role.INGEST)).isFalse();
    // Admin still covers a tenant's ingest and query, and never the service role.
    ApiKeys.Caller admin = new ApiKeys.Caller("boss", "lab", Set.of(Role.ADMIN));
    assertThat(admin.may(Role.INGEST)).isTrue();
    assertThat(admin.may(Role.SERVICE)).isFalse();
  }

  @Test
  void keysAreRandomAndLongAndOnlyTheirDigestIsKept() {
    String key = ApiKeys.newKey();
    assertThat(key).startsWith("rag_").hasSize(47).isNotEqualTo(ApiKeys.newKey());
    assertThat(ApiKeys.digest("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void anEntryLineIsWhatAKeysFileHoldsAndAuthenticatesItsKey() {
    String key = ApiKeys.newKey();
    String line = ApiKeys.entry("carol", key, "lab-c", "query,ingest");
    assertThat(line).isEqualTo("carol " + ApiKeys.digest(key) + " lab-c query,ingest");
    assertThat(ApiKeys.parse(List.of(line)).authenticate(key).orElseThrow().tenant())
        .isEqualTo("lab-c");
    assertThatThrownBy(() -> ApiKeys.entry("carol", key, "lab-c", "root"))
        .hasMessageContaining("unknown role 'root'");
    assertThatThrownBy(() -> ApiKeys.entry("car ol", key, "lab-c", "query"))
        .hasMessageContaining("expected");
  }

  @Test
  void bearerHeadersAreRead() {
    assertThat(ApiKeys.bearer("Bearer rag_x")).isEqualTo("rag_x");
    assertThat(ApiKeys.bearer("bearer  rag_x ")).isEqualTo("rag_x");
    assertThat(ApiKeys.bearer("Basic abc")).isNull();
    assertThat(ApiKeys.bearer(null)).isNull();
  }

  @Test
  void malformedEntriesAreRefusedWithTheirLine() {
    String digest = ApiKeys.digest("k");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a " + digest + " t")))
        .hasMessageContaining("entry 1");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a abc t query")))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a " + digest + " t root")))
        .hasMessageContaining("unknown role 'root'");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("a " + digest + " ../x query")))
        .hasMessageContaining("invalid tenant");
    assertThatThrownBy(
            () -> ApiKeys.parse(List.of("a " + digest + " t query", "b " + digest + " u query")))
        .hasMessageContaining("repeats a key");
    assertThat(ApiKeys.load(Optional.empty(), Optional.of("a " + digest + " t query; ")).size())
        .isEqualTo(1);
  }
}
