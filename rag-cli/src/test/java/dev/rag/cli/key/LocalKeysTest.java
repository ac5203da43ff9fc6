package dev.rag.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.common.auth.ApiKeys;
import dev.rag.common.auth.ApiKeys.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The auth folder of a local system: written once, kept, brought up to date. */
class LocalKeysTest {

  @TempDir Path home;

  private String ensure(Path dir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LocalKeys(dir, new PrintStream(out, true, StandardCharsets.UTF_8)).ensure();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String key(Path dir, String name) throws Exception {
    return Files.readString(dir.resolve(name)).strip();
  }

  private static ApiKeys keys(Path dir, String... files) {
    return ApiKeys.loadAll(
        List.of(files).stream().map(dir::resolve).toList(), Optional.<String>empty());
  }

  @Test
  void writesYourKeyAndEachServicesKeyWhereOnlyTheServiceItCallsAcceptsIt() throws Exception {
    Path dir = home.resolve("auth");
    assertThat(ensure(dir)).contains("Generated an API key for you: " + dir.resolve("api-key"));

    ApiKeys.Caller you = keys(dir, "keys").authenticate(key(dir, "api-key")).orElseThrow();
    assertThat(you.keyId()).isEqualTo("local-admin");
    assertThat(you.tenant()).isEqualTo("default");
    assertThat(you.roles()).containsExactlyInAnyOrder(Role.ADMIN, Role.OPERATOR);

    ApiKeys.Caller generate =
        keys(dir, "retrieve.accepts").authenticate(key(dir, "generate.key")).orElseThrow();
    assertThat(generate.keyId()).isEqualTo("generate-service");
    assertThat(generate.roles()).containsExactlyInAnyOrder(Role.SERVICE, Role.QUERY);
    // ingest-service accepts generate-service's key (document statuses for MCP), no other.
    assertThat(keys(dir, "ingest.accepts").size()).isEqualTo(1);
    assertThat(keys(dir, "ingest.accepts").authenticate(key(dir, "generate.key"))).isPresent();
    assertThat(keys(dir, "embed.accepts").size()).isEqualTo(3);
    assertThat(keys(dir, "embed.accepts").authenticate(key(dir, "ingest.key"))).isPresent();
    assertThat(keys(dir, "embed.accepts").authenticate(key(dir, "retrieve.key"))).isPresent();
    assertThat(keys(dir, "embed.accepts").authenticate(key(dir, "generate.key"))).isPresent();
    assertThat(keys(dir, "retrieve.accepts").authenticate(key(dir, "ingest.key"))).isEmpty();
    assertThat(dir.resolve("embed.key")).doesNotExist();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))))
        .isEqualTo("rw-------");
  }

  @Test
  void keepsWhatExistsAndMendsAStaleServiceLine() throws Exception {
    Path dir = home.resolve("auth");
    ensure(dir);
    String user = key(dir, "api-key");
    String embedAccepts = Files.readString(dir.resolve("embed.accepts"));
    assertThat(ensure(dir)).isEmpty();
    assertThat(key(dir, "api-key")).isEqualTo(user);
    assertThat(Files.readString(dir.resolve("embed.accepts"))).isEqualTo(embedAccepts);

    // A service key replaced by hand: its old line goes, the other caller's stays.
    String replaced = ApiKeys.newKey();
    Files.writeString(dir.resolve("ingest.key"), replaced + "\n");
    ensure(dir);
    ApiKeys accepted = keys(dir, "embed.accepts");
    assertThat(accepted.size()).isEqualTo(3);
    assertThat(accepted.authenticate(replaced)).isPresent();
    assertThat(accepted.authenticate(key(dir, "retrieve.key"))).isPresent();
  }

  @Test
  void bringsAnOlderFolderUpToDate() throws Exception {
    Path dir = Files.createDirectories(home.resolve("auth"));
    String user = ApiKeys.newKey();
    String shared = ApiKeys.newKey();
    Files.writeString(dir.resolve("api-key"), user + "\n");
    Files.writeString(
        dir.resolve("keys"),
        "# people\n"
            + ApiKeys.entry("local-admin", user, "default", "admin")
            + "\n"
            + ApiKeys.entry("services", shared, "default", "service")
            + "\n");
    Files.writeString(dir.resolve("service-key"), shared + "\n");

    assertThat(ensure(dir)).isEmpty();

    ApiKeys people = keys(dir, "keys");
    assertThat(people.size()).isEqualTo(1);
    assertThat(people.authenticate(shared)).isEmpty();
    assertThat(people.authenticate(user).orElseThrow().roles())
        .containsExactlyInAnyOrder(Role.ADMIN, Role.OPERATOR);
    assertThat(dir.resolve("service-key")).doesNotExist();
  }
}
