package dev.rag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.pipeline.KafkaClients;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * ingest-service's HTTP API as {@code ingest} and {@code sync} use it: uploading a file, deleting a
 * document, and waiting until documents are indexed.
 */
final class IngestClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A document an upload produced. */
  record Doc(String source, String id, String file) {}

  private final String base;
  private final ApiKey apiKey;
  private final KafkaClients kafka;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  IngestClient(String baseUrl, ApiKey apiKey, KafkaClients kafka) {
    this.base = baseUrl.replaceAll("/+$", "");
    this.apiKey = apiKey;
    this.kafka = kafka;
  }

  /**
   * Uploads one file as {@code name} into {@code source}: the documents it made go to {@code docs},
   * what was refused (the file, or records of it) to {@code failures} with the reason.
   *
   * @return whether ingest-service accepted the file
   */
  boolean upload(
      String source, Path file, String name, List<Doc> docs, Map<String, String> failures)
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
      return false;
    }
    for (JsonNode d : body.path("documents")) {
      docs.add(new Doc(d.path("source").asText(), d.path("id").asText(), name));
    }
    for (JsonNode e : body.path("errors")) {
      failures.put(name + " (" + e.path("where").asText() + ")", e.path("reason").asText());
    }
    return true;
  }

  /**
   * Polls the documents' status until each is indexed or failed, drawing a progress bar; gives up
   * after {@code stallSeconds} without progress of these documents or of the pipeline ahead of
   * them.
   *
   * @return each document's last status by {@code source/id}
   */
  Map<String, JsonNode> waitForIndexing(List<Doc> docs, int stallSeconds) throws Exception {
    try (PipelineProgress pipeline = new PipelineProgress(kafka)) {
      return waitForIndexing(docs, pipeline, stallSeconds);
    }
  }

  private Map<String, JsonNode> waitForIndexing(
      List<Doc> docs, PipelineProgress pipeline, int stallSeconds) throws Exception {
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

  /**
   * Deletes a document (every version, to its last point).
   *
   * @throws IOException when ingest-service refuses, with its answer
   */
  void delete(String source, String id) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            apiKey
                .request(URI.create(base + "/v1/documents/" + enc(id) + "?source=" + enc(source)))
                .timeout(Duration.ofSeconds(30))
                .DELETE()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202 && response.statusCode() != 404) {
      throw new IOException(
          "could not delete "
              + source
              + "/"
              + id
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
