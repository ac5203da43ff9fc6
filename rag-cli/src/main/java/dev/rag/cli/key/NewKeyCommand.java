package dev.rag.cli.key;

import dev.rag.common.auth.ApiKeys;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rag key new}: prints a new key (256 random bits) on one line and, on the next, the line
 * that a keys file holds for it (its SHA-256 digest, tenant and roles). Add that line to the keys
 * file the services read ({@code $RAG_HOME/auth/keys} locally, a Secret on Kubernetes) and restart
 * them; give the key to its holder.
 */
@Command(
    name = "new",
    mixinStandardHelpOptions = true,
    description = "Print a new API key and its line for a keys file.")
public class NewKeyCommand implements Callable<Integer> {

  @Option(
      names = "--id",
      description = "the key's name, in logs and rate limits (default: key-<first digest digits>)")
  String id;

  @Option(
      names = "--tenant",
      defaultValue = "default",
      description = "whose documents it reaches (default: ${DEFAULT-VALUE})")
  String tenant;

  @Option(
      names = "--roles",
      split = ",",
      defaultValue = "query",
      description =
          "what it may do: ingest, query, admin, operator, service (default: ${DEFAULT-VALUE})")
  List<String> roles;

  PrintStream out = System.out;

  @Override
  public Integer call() {
    String key = ApiKeys.newKey();
    String name = id != null ? id : "key-" + ApiKeys.digest(key).substring(0, 8);
    String entry;
    try {
      entry = ApiKeys.entry(name, key, tenant, String.join(",", roles));
    } catch (IllegalArgumentException e) {
      System.err.println("rag key new: " + e.getMessage());
      return 2;
    }
    out.println(key);
    out.println(entry);
    return 0;
  }
}
