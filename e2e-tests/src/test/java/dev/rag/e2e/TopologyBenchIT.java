package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cluster topology against the one-node topology on this machine ({@code -Ptopology}): both
 * started at once, secured ({@code ./rag up --secure} and {@code ./rag up --cluster}), each given
 * the same collection with {@code ./rag eval}, then measured in turns, three rounds, with the
 * project's own benchmarks: {@code ./rag bench retrieve} (gRPC Retrieve on replica 1) and {@code
 * ./rag bench chat} (on the one-node system's chat door, and on the cluster's through a front over
 * its two generate replicas). Medians of the rounds, the ratio cluster / one node, the quality of
 * each (nDCG@10 per mode) and the resident memory of every process of each go to {@code
 * target/topology-report.md}. The idle system shares the cores with the measured one.
 */
class TopologyBenchIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ROUNDS = 3;

  /** A figure of a benchmark report: its label, the concurrency level's row and the field. */
  private record Measure(String label, int level, String field) {}

  private static final List<Measure> RETRIEVE_MEASURES =
      List.of(
          new Measure("retrieve p50 ms, 1 client", 0, "p50_ms"),
          new Measure("retrieve p95 ms, 1 client", 0, "p95_ms"),
          new Measure("retrieve p95 ms, 8 clients", 1, "p95_ms"),
          new Measure("retrieve req/s, 8 clients", 1, "requests_per_second"));

  private static final List<Measure> CHAT_MEASURES =
      List.of(
          new Measure("chat ttft p50 ms, 1 client", 0, "ttft_p50_ms"),
          new Measure("chat total p95 ms, 1 client", 0, "total_p95_ms"),
          new Measure("chat total p95 ms, 8 clients", 1, "total_p95_ms"),
          new Measure("chat answers/s, 8 clients", 1, "requests_per_second"));

  @Test
  void theClusterIsMeasuredBesideOneNode() throws Exception {
    Path root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    Path dataset =
        root.resolveSibling("shared/datasets/" + System.getProperty("topology.dataset", "cisi"));
    assertThat(dataset.resolve("corpus.jsonl"))
        .as("the development set (../shared/datasets next to the project)")
        .isRegularFile();
    Path out = Path.of("target/topology").toAbsolutePath();
    Files.createDirectories(out);
    String name = dataset.getFileName().toString();

    try (LocalCluster single = LocalCluster.upOneNode();
        LocalCluster cluster = LocalCluster.up();
        ReplicaFront front = cluster.front("generate")) {
      Map<String, LocalCluster> systems = new LinkedHashMap<>();
      systems.put("one node", single);
      systems.put("cluster", cluster);
      Map<String, JsonNode> quality = new LinkedHashMap<>();
      for (var system : systems.entrySet()) {
        quality.put(
            system.getKey(),
            report(
                system.getValue(),
                out.resolve("eval-" + slug(system.getKey()) + ".json"),
                Duration.ofMinutes(20),
                "eval",
                dataset.toString(),
                "--source",
                name));
      }

      Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
      for (int round = 1; round <= ROUNDS; round++) {
        for (var system : systems.entrySet()) {
          JsonNode retrieve =
              report(
                  system.getValue(),
                  out.resolve("retrieve-" + slug(system.getKey()) + "-" + round + ".json"),
                  Duration.ofMinutes(10),
                  "bench",
                  "retrieve",
                  "--dir",
                  dataset.toString(),
                  "--source",
                  name,
                  "--concurrency",
                  "1,8",
                  "--requests",
                  "300",
                  "--warmup",
                  "100");
          record(figures, system.getKey(), retrieve.path("results"), RETRIEVE_MEASURES);
        }
        for (var system : systems.entrySet()) {
          String chatUrl =
              system.getValue() == cluster ? front.url() : system.getValue().url("generate", 1);
          JsonNode chat =
              report(
                  system.getValue(),
                  out.resolve("chat-" + slug(system.getKey()) + "-" + round + ".json"),
                  Duration.ofMinutes(10),
                  "bench",
                  "chat",
                  "--dir",
                  dataset.toString(),
                  "--source",
                  name,
                  "--chat-url",
                  chatUrl,
                  "--concurrency",
                  "1,8",
                  "--requests",
                  "100");
          assertThat(chat.path("quality").path("empty_answers").asInt())
              .as("empty answers on " + system.getKey())
              .isZero();
          record(figures, system.getKey(), chat.path("latency"), CHAT_MEASURES);
        }
      }
      Map<String, Map<String, Long>> memory = new LinkedHashMap<>();
      for (var system : systems.entrySet()) {
        memory.put(system.getKey(), residentMemory(system.getValue().home.resolve("pids")));
      }
      Files.writeString(
          Path.of("target/topology-report.md"), markdown(name, figures, quality, memory));
    }
  }

  /** Runs {@code ./rag ARGS... --report FILE} on a system and returns the report it wrote. */
  private static JsonNode report(LocalCluster system, Path file, Duration timeout, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(List.of("--report", file.toString()));
    system.rag(timeout, command.toArray(String[]::new));
    return JSON.readTree(file.toFile());
  }

  /** Each measure's value at its concurrency level (a row of {@code levels}), for one system. */
  private static void record(
      Map<String, Map<String, List<Double>>> figures,
      String system,
      JsonNode levels,
      List<Measure> measures) {
    for (Measure m : measures) {
      JsonNode value = levels.path(m.level()).path(m.field());
      assertThat(value.isNumber()).as(m.label() + " on " + system).isTrue();
      figures
          .computeIfAbsent(m.label(), k -> new LinkedHashMap<>())
          .computeIfAbsent(system, k -> new ArrayList<>())
          .add(value.asDouble());
    }
  }

  /** Resident memory (VmRSS) of each running process of a system, in MiB, by part. */
  private static Map<String, Long> residentMemory(Path pids) throws IOException {
    Map<String, Long> parts = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(pids)) {
      for (Path file : files.sorted().toList()) {
        String process = file.getFileName().toString().replace(".pid", "");
        String part = process.replaceAll("-\\d+$", "");
        Path status = Path.of("/proc", Files.readString(file).strip(), "status");
        long kib =
            Files.readAllLines(status).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .sum();
        parts.merge(part, kib / 1024, Long::sum);
      }
    }
    return parts;
  }

  private static String markdown(
      String dataset,
      Map<String, Map<String, List<Double>>> figures,
      Map<String, JsonNode> quality,
      Map<String, Map<String, Long>> memory) {
    StringBuilder md = new StringBuilder();
    md.append("Dataset ")
        .append(dataset)
        .append(", medians of ")
        .append(ROUNDS)
        .append(" rounds.\n\n");
    md.append("| measure | one node | cluster | cluster / one node |\n|---|---|---|---|\n");
    for (var measure : figures.entrySet()) {
      double one = median(measure.getValue().get("one node"));
      double many = median(measure.getValue().get("cluster"));
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %.2f |%n",
              measure.getKey(),
              one,
              many,
              many / one));
    }
    md.append("\n| nDCG@10 | one node | cluster |\n|---|---|---|\n");
    for (JsonNode mode : quality.get("one node").path("results")) {
      String name = mode.path("mode").asText();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.4f | %.4f |%n",
              name,
              mode.path("ndcg10").asDouble(),
              find(quality.get("cluster"), name).path("ndcg10").asDouble()));
    }
    md.append("\n| resident memory, MiB | one node | cluster |\n|---|---|---|\n");
    Map<String, Long> oneNode = memory.get("one node");
    Map<String, Long> clustered = memory.get("cluster");
    for (String part : clustered.keySet()) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d |%n",
              part,
              oneNode.getOrDefault(part, 0L),
              clustered.get(part)));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| all | %d | %d |%n",
            oneNode.values().stream().mapToLong(Long::longValue).sum(),
            clustered.values().stream().mapToLong(Long::longValue).sum()));
    return md.toString();
  }

  private static JsonNode find(JsonNode eval, String mode) {
    for (JsonNode m : eval.path("results")) {
      if (m.path("mode").asText().equals(mode)) {
        return m;
      }
    }
    return JSON.missingNode();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String slug(String system) {
    return system.replace(' ', '-');
  }
}
