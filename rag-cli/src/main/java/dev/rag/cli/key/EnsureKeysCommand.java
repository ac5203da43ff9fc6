package dev.rag.cli.key;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rag key ensure --dir DIR}: writes the keys of the local system that are missing from its
 * auth folder (yours and the services' own, see {@link LocalKeys}); what {@code ./rag up} runs.
 */
@Command(
    name = "ensure",
    mixinStandardHelpOptions = true,
    description = "Write the missing API keys of the local system into its auth folder.")
public class EnsureKeysCommand implements Callable<Integer> {

  @Option(names = "--dir", required = true, description = "the auth folder, e.g. .rag/auth")
  Path dir;

  @Override
  public Integer call() throws Exception {
    new LocalKeys(dir, System.out).ensure();
    return 0;
  }
}
