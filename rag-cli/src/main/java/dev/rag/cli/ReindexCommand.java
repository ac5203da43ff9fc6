package dev.rag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.common.Topics;
import dev.rag.embedding.ModelCatalog;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsRequest;
import io.quarkus.grpc.GrpcClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The Java steps of {@code ./rag reindex --model ID} (the script starts and stops processes):
 *
 * <ul>
 *   <li>{@code --phase prepare}: positions the new model's embed consumer group at the end of
 *       rag.chunks.v1, so the new instance embeds the replay and live events, not the topic's past;
 *   <li>{@code --phase run}: asks ingest-service to replay the documents topic for the model, then
 *       waits until the model's index holds as many documents per source as the current one.
 * </ul>
 */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = "Build the index of another embedding model.")
public class ReindexCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, description = "the new model id")
  String model;

  @Option(names = "--phase", required = true, description = "prepare or run")
  String phase;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(names = "--ingest-url", defaultValue = "${env:RAG_INGEST_URL:-http://127.0.0.1:8081}")
  String ingestUrl;

  @ConfigProperty(name = "rag.kafka.bootstrap")
  String kafkaBootstrap;

  @GrpcClient("retrieve")
  RetrieveGrpc.RetrieveBlockingStub retrieve;

  @Override
  public Integer call() throws Exception {
    ModelCatalog.get(model);
    return switch (phase) {
      case "prepare" -> prepare();
      case "run" -> run();
      default -> {
        System.err.println("--phase must be prepare or run");
        yield 2;
      }
    };
  }

  private int prepare() throws Exception {
    String group = dev.rag.common.ConsumerGroups.embed(model);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafkaBootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      if (!committed.isEmpty()) {
        System.err.printf("Consumer group %s already has positions; keeping them.%n", group);
        return 0;
      }
      var partitions =
          admin
              .describeTopics(List.of(Topics.CHUNKS))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(Topics.CHUNKS)
              .partitions()
              .stream()
              .map(p -> new TopicPartition(Topics.CHUNKS, p.partition()))
              .toList();
      var ends =
          admin
              .listOffsets(
                  partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
              .all()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> positions = new java.util.HashMap<>();
      ends.forEach((p, info) -> positions.put(p, new OffsetAndMetadata(info.offset())));
      admin.alterConsumerGroupOffsets(group, positions).all().get(30, TimeUnit.SECONDS);
      System.err.printf("Consumer group %s starts at the end of %s.%n", group, Topics.CHUNKS);
    }
    return 0;
  }

  private int run() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = ingestUrl.replaceAll("/+$", "") + "/v1/admin/replays";
    HttpResponse<String> started =
        http.send(
            ApiKey.request(URI.create(base))
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
                      ApiKey.request(URI.create(base + "/" + id)).build(),
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
