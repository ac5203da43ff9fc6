package dev.rag.cli.bench;

import dev.rag.cli.eval.BeirDataset;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The BEIR-layout dataset a benchmark takes its queries and passages from. */
public class DatasetOptions {

  @Option(
      names = "--dir",
      required = true,
      description = "BEIR-layout directory whose queries are used")
  Path dir;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "qrels split (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--report",
      description =
          "where to write the JSON report, with its HTML charts beside it (default:"
              + " $RAG_HOME/bench/<bench>-<dataset>-<split>.json)")
  Path report;

  /** Where the report of {@code bench} goes. */
  Path reportFile(String home, String bench) {
    return report != null
        ? report
        : Path.of(
            home,
            "bench",
            bench + "-" + dir.toAbsolutePath().normalize().getFileName() + "-" + split + ".json");
  }

  /** The dataset with the judged queries of the split. */
  BeirDataset load() {
    return BeirDataset.load(dir, split);
  }
}
