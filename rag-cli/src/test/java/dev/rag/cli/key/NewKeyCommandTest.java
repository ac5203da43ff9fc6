package dev.rag.cli.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.common.auth.ApiKeys;
import dev.rag.common.auth.ApiKeys.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code rag key new} prints a key and the keys-file line that lets it in. */
class NewKeyCommandTest {

  private static List<String> run(String... args) {
    NewKeyCommand command = new NewKeyCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    command.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(new CommandLine(command).execute(args)).isZero();
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void printsANewKeyAndTheLineThatAuthenticatesIt() {
    List<String> printed = run("--id", "alice", "--tenant", "lab-a", "--roles", "query,ingest");
    assertThat(printed).hasSize(2);
    ApiKeys.Caller alice =
        ApiKeys.parse(List.of(printed.get(1))).authenticate(printed.get(0)).orElseThrow();
    assertThat(alice.keyId()).isEqualTo("alice");
    assertThat(alice.tenant()).isEqualTo("lab-a");
    assertThat(alice.roles()).containsExactlyInAnyOrder(Role.QUERY, Role.INGEST);
  }

  @Test
  void aKeyWithoutOptionsMayOnlyAskInTheDefaultTenant() {
    List<String> printed = run();
    ApiKeys.Caller caller =
        ApiKeys.parse(List.of(printed.get(1))).authenticate(printed.get(0)).orElseThrow();
    assertThat(caller.keyId()).startsWith("key-");
    assertThat(caller.tenant()).isEqualTo("default");
    assertThat(caller.roles()).containsExactly(Role.QUERY);
  }

  @Test
  void refusesARoleThatDoesNotExist() {
    assertThat(new CommandLine(new NewKeyCommand()).execute("--roles", "root")).isEqualTo(2);
  }
}
