package dev.rag.cli.bench;

import java.util.List;
import picocli.CommandLine.Option;

/** A closed-loop load: the concurrency levels measured and the requests at each. */
public class LoadOptions {

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "1,8",
      description = "concurrency levels measured (default: ${DEFAULT-VALUE})")
  List<Integer> concurrency;

  @Option(
      names = "--requests",
      defaultValue = "300",
      description = "measured requests per concurrency level (default: ${DEFAULT-VALUE})")
  int requests;
}
