package dev.rag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.cli.bench.ChatBench;
import dev.rag.cli.bench.EmbedBench;
import dev.rag.cli.bench.RetrieveBench;
import dev.rag.cli.key.NewKeyCommand;
import dev.rag.cli.reindex.CatchUpCommand;
import dev.rag.cli.reindex.PrepareCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The verb tree: each verb takes only its own options. */
class RagCommandTest {

  private static Object parse(String... args) {
    ParseResult result = new CommandLine(new RagCommand()).parseArgs(args);
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return result.commandSpec().userObject();
  }

  @Test
  void eachBenchmarkIsASubcommandWithItsOwnOptions() {
    assertThat(
            parse(
                "bench",
                "retrieve",
                "--dir",
                "d",
                "--mode",
                "full",
                "--warmup",
                "1",
                "--concurrency",
                "1,4",
                "--requests",
                "5",
                "--top-k",
                "3",
                "--tenant",
                "t"))
        .isInstanceOf(RetrieveBench.class);
    assertThat(parse("bench", "embed", "--dir", "d", "--passages", "600", "--model", "m"))
        .isInstanceOf(EmbedBench.class);
    assertThat(
            parse(
                "bench",
                "chat",
                "--dir",
                "d",
                "--split",
                "train",
                "--source",
                "s",
                "--chat-top-k",
                "3",
                "--chat-url",
                "http://x",
                "--concurrency",
                "1"))
        .isInstanceOf(ChatBench.class);
    assertThatThrownBy(() -> parse("bench", "chat", "--dir", "d", "--mode", "full"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    assertThatThrownBy(() -> parse("bench", "embed", "--dir", "d", "--concurrency", "8"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
    assertThatThrownBy(() -> parse("bench", "retrieve"))
        .isInstanceOf(CommandLine.MissingParameterException.class);
  }

  @Test
  void reindexHasAPrepareAndACatchUpStep() {
    assertThat(parse("reindex", "prepare", "--model", "m")).isInstanceOf(PrepareCommand.class);
    assertThat(parse("reindex", "catch-up", "--model", "m", "--tenant", "t"))
        .isInstanceOf(CatchUpCommand.class);
    assertThat(parse("reindex", "prepare", "--model", "tei-bge-base", "--remote"))
        .isInstanceOf(PrepareCommand.class);
    assertThatThrownBy(() -> parse("reindex", "prepare"))
        .isInstanceOf(CommandLine.MissingParameterException.class);
    assertThatThrownBy(() -> parse("reindex", "--model", "m", "--phase", "run"))
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  @Test
  void keyNewTakesAnIdATenantAndRoles() {
    assertThat(parse("key", "new", "--id", "alice", "--tenant", "lab", "--roles", "query,ingest"))
        .isInstanceOf(NewKeyCommand.class);
  }
}
