package dev.rag.cli;

import dev.rag.cli.bench.BenchCommand;
import dev.rag.cli.eval.EvalCommand;
import dev.rag.cli.key.KeyCommand;
import dev.rag.cli.reindex.ReindexCommand;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/**
 * The Java side of {@code ./rag}: every verb that talks to the running services (ingestion,
 * questions, evaluation, benchmarks, reindexing, dead letters) and API keys.
 */
@TopCommand
@Command(
    name = "rag",
    mixinStandardHelpOptions = true,
    subcommands = {
      AskCommand.class,
      IngestCommand.class,
      SyncCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      ReindexCommand.class,
      DlqCommand.class,
      KafkaAclsCommand.class,
      KeyCommand.class
    })
public class RagCommand {}
