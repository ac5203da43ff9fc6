package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.testsupport.TopicWriter;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Sends each hostile input as one tenant, then a normal document as another, and records what
 * became of both: the hostile one indexed or refused (with the reason), how long it took, the peak
 * heap of ingest-service meanwhile, how long the other tenant's document took to be searchable, and
 * whether every service is still the process it was.
 */
final class HostileInputRunner {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How long anything here may take before the case counts as stuck. */
  private static final Duration BOUND = Duration.ofSeconds(180);

  /** One row of the report. */
  record Result(
      HostileInputs.Case hostile,
      String outcome,
      double seconds,
      long peakHeapMiB,
      double otherTenantSeconds,
      boolean restarted) {

    String row() {
      return String.format(
          "| %s | %s | %s | %.1f s | %s | %.1f s | %s |",
          hostile.format(),
          hostile.name(),
          outcome.replace("|", "/").replace("\n", " "),
          seconds,
          peakHeapMiB == 0 ? "no collection" : peakHeapMiB + " MiB",
          otherTenantSeconds,
          restarted ? "RESTARTED" : "no");
    }
  }

  static final String HEADER =
      "| format | case | outcome | time | ingest peak heap | other tenant indexed after | restart |\n"
          + "|---|---|---|---|---|---|---|";

  private final ServiceProcess ingest;
  private final Collection<ServiceProcess> services;
  private final String bootstrap;
  private final String attackerKey;
  private final String attackerTenant;
  private final String victimKey;

  HostileInputRunner(
      ServiceProcess ingest,
      Collection<ServiceProcess> services,
      String bootstrap,
      String attackerKey,
      String attackerTenant,
      String victimKey) {
    this.ingest = ingest;
    this.services = services;
    this.bootstrap = bootstrap;
    this.attackerKey = attackerKey;
    this.attackerTenant = attackerTenant;
    this.victimKey = victimKey;
  }

  /** Runs every case in turn; each asserts that the platform stayed up and served the other. */
  List<Result> run(List<HostileInputs.Case> cases, String source) throws Exception {
    List<Result> results = new ArrayList<>();
    for (HostileInputs.Case c : cases) {
      results.add(run(c, source));
    }
    return results;
  }

  Result run(HostileInputs.Case c, String source) throws Exception {
    int mark = ingest.gcMark();
    long start = System.nanoTime();
    String outcome = c.door() == HostileInputs.Door.UPLOAD ? upload(c, source) : produce(c, source);
    double seconds = (System.nanoTime() - start) / 1e9;
    long peak = ingest.peakHeapMiBSince(mark);
    double other = otherTenantIndexes();
    boolean restarted = services.stream().anyMatch(s -> !s.isAlive());
    assertThat(restarted).as("a service died on " + c.name()).isFalse();
    return new Result(c, outcome, seconds, peak, other, restarted);
  }

  private String upload(HostileInputs.Case c, String source) throws Exception {
    String url =
        ingest.baseUrl()
            + "/v1/files?name="
            + URLEncoder.encode(c.id(), StandardCharsets.UTF_8)
            + "&source="
            + source;
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(BOUND)
                .header("Authorization", "Bearer " + attackerKey)
                .header("Content-Type", c.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 202) {
      return "refused " + response.statusCode() + ": " + shorten(body.path("detail").asText());
    }
    List<String> states = new ArrayList<>();
    for (JsonNode d : body.path("documents")) {
      states.add(awaitSettled(attackerKey, d.path("source").asText(), d.path("id").asText()));
    }
    StringBuilder outcome = new StringBuilder();
    if (states.size() == 1) {
      outcome.append(states.get(0));
    } else if (!states.isEmpty()) {
      // Many documents: how many ended in each state.
      Map<String, Long> byState =
          states.stream()
              .collect(
                  Collectors.groupingBy(
                      st -> st.replaceAll(" \\(.*", ""), TreeMap::new, Collectors.counting()));
      outcome.append(states.size()).append(" documents: ").append(byState);
    }
    if (body.path("errors").size() > 0) {
      outcome
          .append(outcome.isEmpty() ? "" : "; ")
          .append(body.path("errors").size())
          .append(" part(s) refused: ")
          .append(shorten(body.path("errors").get(0).path("reason").asText()));
    }
    return outcome.toString();
  }

  private String produce(HostileInputs.Case c, String source) throws Exception {
    String id = c.id();
    TopicWriter.send(
        bootstrap,
        "rag.documents.v1",
        attackerTenant + "/" + source + "/" + id,
        c.body(),
        Map.of("content-type", c.contentType()));
    return awaitSettled(attackerKey, source, id);
  }

  /** Waits until the document is indexed or failed, and says which (and why). */
  private String awaitSettled(String key, String source, String id) throws Exception {
    long deadline = System.nanoTime() + BOUND.toNanos();
    String last = "no status";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r =
          JsonHttp.send(
              key,
              "GET",
              ingest.baseUrl()
                  + "/v1/documents/"
                  + URLEncoder.encode(id, StandardCharsets.UTF_8)
                  + "?source="
                  + source,
              null);
      if (r.statusCode() == 200) {
        JsonNode s = JSON.readTree(r.body());
        last = s.path("state").asText();
        if (last.equals("indexed")) {
          return "indexed (" + s.path("chunks").asInt() + " chunks)";
        }
        if (last.equals("failed")) {
          return "failed: " + shorten(s.path("reason").asText());
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        id + " neither indexed nor failed within " + BOUND + " (" + last + ")");
  }

  /** Seconds until a normal document of the other tenant is searchable. */
  private double otherTenantIndexes() throws Exception {
    String id = "normal-" + UUID.randomUUID();
    long start = System.nanoTime();
    HttpResponse<String> accepted =
        JsonHttp.send(
            victimKey,
            "POST",
            ingest.baseUrl() + "/v1/documents",
            Map.of(
                "id",
                id,
                "source",
                "notes",
                "title",
                "A normal note",
                "text",
                "An ordinary note about tide tables and harbour schedules."));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    String state = awaitSettled(victimKey, "notes", id);
    assertThat(state).as("the other tenant's document").startsWith("indexed");
    return (System.nanoTime() - start) / 1e9;
  }

  private static String shorten(String s) {
    return s.length() <= 140 ? s : s.substring(0, 137) + "...";
  }

  static void write(Path file, List<Result> results) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    results.forEach(r -> lines.add(r.row()));
    Files.createDirectories(file.getParent());
    Files.write(file, lines);
    lines.forEach(System.out::println);
  }
}
