package dev.rag.cli.reindex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.cli.ApiKey;
import dev.rag.cli.config.CliConfig;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsRequest;
import io.quarkus.grpc.GrpcClient;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rag reindex catch-up --model ID}: asks ingest-service to replay the documents topic for
 * the model, then waits until the model's index holds as many documents per source as the current
 * one.
 */
@Command(
    name = "catch-up",
    mixinStandardHelpOptions = true,
    description = "Replay the documents for the new model and wait until its index has caught up.")
public class CatchUpCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ModelOption modelOption;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(
      names = "--ingest-url",
      description = "ingest-service's base URL (default: rag.ingest-url, http://127.0.0.1:8081)")
  String ingestUrl;

  @GrpcClient("retrieve")
  RetrieveGrpc.RetrieveBlockingStub retrieve;

  @Inject CliConfig config;

  @Inject ApiKey apiKey;

  private String model;

  @Override
  public Integer call() throws Exception {
    model = modelOption.model();
    return run();
  }

  private int run() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base =
        (ingestUrl != null ? ingestUrl : config.ingestUrl()).replaceAll("/+$", "")
            + "/v1/admin/replays";
    HttpResponse<String> started =
        http.send(
            apiKey
                .request(URI.create(base))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("targetModel", model))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      System.err.println("The replay was refused: " + started.body());
      return 1;
    }
    String id = JSON.readTree(started.body()).path("id").asText();
    System.err.printf("Replaying the documents topic for %s (replay %s)%n", model, id);
    while (true) {
      JsonNode state =
          JSON.readTree(
              http.send(
                      apiKey.request(URI.create(base + "/" + id)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      System.err.printf(
          "  replay %s: %d/%d records%n",
          state.path("state").asText(),
          state.path("processed").asLong(),
          state.path("total").asLong());
      if (!state.path("state").asText().equals("running")) {
        if (!state.path("state").asText().equals("done")) {
          System.err.println("The replay ended as " + state);
          return 1;
        }
        break;
      }
      Thread.sleep(2000);
    }
    Map<String, Long> current = documents("");
    long lastChange = System.nanoTime();
    Map<String, Long> last = Map.of();
    while (true) {
      Map<String, Long> built = documents(model);
      boolean caughtUp =
          current.entrySet().stream()
              .allMatch(e -> built.getOrDefault(e.getKey(), 0L) >= e.getValue());
      System.err.printf("  %s index: %s of %s documents%n", model, built, current);
      if (caughtUp) {
        System.err.println("Caught up.");
        return 0;
      }
      if (!built.equals(last)) {
        last = built;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > TimeUnit.MINUTES.toNanos(5)) {
        System.err.println(
            "The new index made no progress for 5 minutes; see the embed and retrieve logs.");
        return 1;
      }
      Thread.sleep(3000);
    }
  }

  private Map<String, Long> documents(String modelId) {
    Map<String, Long> counts = new TreeMap<>();
    for (SourceStats s :
        retrieve
            .withDeadlineAfter(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)
            .stats(StatsRequest.newBuilder().setTenant(tenant).setModelId(modelId).build())
            .getSourcesList()) {
      counts.put(s.getSource(), s.getDocuments());
    }
    return counts;
  }
}
