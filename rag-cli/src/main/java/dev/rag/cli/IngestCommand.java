package dev.rag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.cli.config.CliConfig;
import dev.rag.pipeline.KafkaClients;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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

  private static final ObjectMapper JSON = new ObjectMapper();

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

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A document the upload produced. */
  record Doc(String source, String id, String file) {}

  @Override
  public Integer call() throws Exception {
    String base = (ingestUrl != null ? ingestUrl : config.ingestUrl()).replaceAll("/+$", "");
    String sourceName = source != null ? source : config.source();
    List<Doc> docs = new ArrayList<>();
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
        upload(base, sourceName, file, name, docs, failures);
      }
    }
    System.err.printf(
        "Uploaded %d files: %d documents, %d refused%n", files, docs.size(), failures.size());
    if (noWait || docs.isEmpty()) {
      printFailures(failures);
      return failures.isEmpty() ? 0 : 1;
    }
    Map<String, JsonNode> last = waitForIndexing(base, docs);
    long indexed = 0;
    long chunks = 0;
    for (Doc d : docs) {
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

  private void upload(
      String base,
      String source,
      Path file,
      String name,
      List<Doc> docs,
      Map<String, String> failures)
      throws IOException, InterruptedException {
    String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    String query = "name=" + enc(name) + "&id=" + enc(id) + "&source=" + enc(source);
    HttpResponse<String> response =
        http.send(
            apiKey
                .request(URI.create(base + "/v1/files?" + query))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
    if (response.statusCode() != 202) {
      String detail = body.path("detail").asText("HTTP " + response.statusCode());
      failures.put(
          name, detail.startsWith(name + ": ") ? detail.substring(name.length() + 2) : detail);
      return;
    }
    for (JsonNode d : body.path("documents")) {
      docs.add(new Doc(d.path("source").asText(), d.path("id").asText(), name));
    }
    for (JsonNode e : body.path("errors")) {
      failures.put(name + " (" + e.path("where").asText() + ")", e.path("reason").asText());
    }
  }

  /** Polls the documents' status until each is indexed or failed, drawing a progress bar. */
  private Map<String, JsonNode> waitForIndexing(String base, List<Doc> docs) throws Exception {
    try (PipelineProgress pipeline = new PipelineProgress(kafka)) {
      return waitForIndexing(base, docs, pipeline);
    }
  }

  private Map<String, JsonNode> waitForIndexing(
      String base, List<Doc> docs, PipelineProgress pipeline) throws Exception {
    Map<String, JsonNode> last = new LinkedHashMap<>();
    long lastProgress = System.nanoTime();
    int lastFinished = -1;
    long lastCommitted = -1;
    boolean tty = System.console() != null;
    while (true) {
      for (int from = 0; from < docs.size(); from += 10_000) {
        List<Map<String, String>> refs = new ArrayList<>();
        for (Doc d : docs.subList(from, Math.min(docs.size(), from + 10_000))) {
          refs.add(Map.of("source", d.source(), "id", d.id()));
        }
        HttpResponse<String> response =
            http.send(
                apiKey
                    .request(URI.create(base + "/v1/documents/status"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(Map.of("documents", refs))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode s : JSON.readTree(response.body())) {
          last.put(s.path("source").asText() + "/" + s.path("id").asText(), s);
        }
      }
      int indexed = 0;
      int failed = 0;
      for (JsonNode s : last.values()) {
        String state = s.path("state").asText();
        indexed += state.equals("indexed") ? 1 : 0;
        failed += state.equals("failed") ? 1 : 0;
      }
      int finished = indexed + failed;
      // Documents queued behind others make no progress of their own for a while; the pipeline
      // working through the queue counts as progress too.
      PipelineProgress.Snapshot position =
          pipeline == null || finished >= docs.size() ? null : pipeline.snapshot();
      String queue =
          position == null || position.queued() == 0
              ? ""
              : String.format(", %d records queued in the pipeline", position.queued());
      String bar = bar(finished, docs.size());
      if (tty) {
        System.err.printf(
            "\r  %s %d/%d indexed, %d failed%s   ", bar, indexed, docs.size(), failed, queue);
      } else if (finished != lastFinished) {
        System.err.printf(
            "  %s %d/%d indexed, %d failed%s%n", bar, indexed, docs.size(), failed, queue);
      }
      if (finished != lastFinished) {
        lastFinished = finished;
        lastProgress = System.nanoTime();
      }
      if (position != null && position.committed() > lastCommitted) {
        if (lastCommitted >= 0) {
          lastProgress = System.nanoTime();
        }
        lastCommitted = position.committed();
      }
      if (finished >= docs.size()) {
        break;
      }
      if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(stallSeconds)) {
        System.err.printf(
            "%n  no progress for %d s; see ./rag logs embed and ./rag logs retrieve%n",
            stallSeconds);
        break;
      }
      Thread.sleep(1000);
    }
    if (tty) {
      System.err.println();
    }
    return last;
  }

  private static String bar(int done, int total) {
    int width = 30;
    int filled = total == 0 ? width : (int) ((long) done * width / total);
    return "[" + "#".repeat(filled) + " ".repeat(width - filled) + "]";
  }

  private static void printFailures(Map<String, String> failures) {
    if (!failures.isEmpty()) {
      System.err.println("Not ingested:");
      failures.forEach((what, why) -> System.err.println("  " + what + ": " + why));
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
