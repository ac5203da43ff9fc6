package dev.rag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.cli.config.CliConfig;
import dev.rag.pipeline.KafkaClients;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./rag ingest PATH...}: uploads files (folders recursively) to ingest-service, shows a
 * progress bar until every document is indexed or failed, then prints a summary.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Upload files or folders and wait until they are searchable.")
public class IngestCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "files or folders")
  List<Path> paths;

  @Option(names = "--source", description = "source (default: rag.source, RAG_SOURCE, else docs)")
  String source;

  @Option(names = "--no-wait", description = "upload only; do not wait for indexing")
  boolean noWait;

  @Option(
      names = "--timeout",
      defaultValue = "300",
      description =
          "give up waiting after this many seconds without progress: of these documents, or of"
              + " the pipeline working through what was queued before them")
  int stallSeconds;

  @Option(
      names = "--ingest-url",
      description = "ingest-service's base URL (default: rag.ingest-url, http://127.0.0.1:8081)")
  String ingestUrl;

  @Inject CliConfig config;

  @Inject ApiKey apiKey;

  @Inject KafkaClients kafka;

  @Override
  public Integer call() throws Exception {
    IngestClient client =
        new IngestClient(ingestUrl != null ? ingestUrl : config.ingestUrl(), apiKey, kafka);
    String sourceName = source != null ? source : config.source();
    List<IngestClient.Doc> docs = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    int files = 0;
    for (Path root : paths) {
      if (!Files.exists(root)) {
        System.err.println("rag: no such file or folder: " + root);
        return 2;
      }
      List<Path> found;
      try (Stream<Path> walk = Files.walk(root)) {
        found =
            walk.filter(Files::isRegularFile)
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .sorted()
                .toList();
      }
      for (Path file : found) {
        files++;
        String name =
            Files.isDirectory(root)
                ? root.relativize(file).toString().replace('\\', '/')
                : file.getFileName().toString();
        client.upload(sourceName, file, name, docs, failures);
      }
    }
    System.err.printf(
        "Uploaded %d files: %d documents, %d refused%n", files, docs.size(), failures.size());
    if (noWait || docs.isEmpty()) {
      printFailures(failures);
      return failures.isEmpty() ? 0 : 1;
    }
    Map<String, JsonNode> last = client.waitForIndexing(docs, stallSeconds);
    long indexed = 0;
    long chunks = 0;
    for (IngestClient.Doc d : docs) {
      JsonNode s = last.get(d.source() + "/" + d.id());
      String state = s == null ? "unknown" : s.path("state").asText();
      chunks += s == null ? 0 : s.path("chunks").asLong();
      if (state.equals("indexed")) {
        indexed++;
      } else {
        failures.put(
            d.file() + (d.file().equals(d.id()) ? "" : " [" + d.id() + "]"),
            state.equals("failed") ? s.path("reason").asText() : "still " + state);
      }
    }
    System.err.printf(
        "Done: %d documents indexed (%d chunks), %d not indexed%n",
        indexed, chunks, docs.size() - indexed);
    printFailures(failures);
    return failures.isEmpty() ? 0 : 1;
  }

  static void printFailures(Map<String, String> failures) {
    if (!failures.isEmpty()) {
      System.err.println("Not ingested:");
      failures.forEach((what, why) -> System.err.println("  " + what + ": " + why));
    }
  }
}
