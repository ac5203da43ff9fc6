package dev.rag.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/**
 * The Java side of {@code ./rag}: ingestion, evaluation and benchmarks against the running
 * services.
 */
@TopCommand
@Command(
    name = "rag",
    mixinStandardHelpOptions = true,
    subcommands = {
      AskCommand.class,
      IngestCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      ReindexCommand.class,
      DlqCommand.class
    })
public class RagCommand {}
