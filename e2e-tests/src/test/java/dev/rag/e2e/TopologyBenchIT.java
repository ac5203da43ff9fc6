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
import java.util.function.Function;
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
        Path report = out.resolve("eval-" + slug(system.getKey()) + ".json");
        system
            .getValue()
            .rag(
                Duration.ofMinutes(20),
                "eval",
                dataset.toString(),
                "--source",
                name,
                "--report",
                report.toString());
        quality.put(system.getKey(), JSON.readTree(report.toFile()));
      }

      Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
      for (int round = 1; round <= ROUNDS; round++) {
        for (var system : systems.entrySet()) {
          Path report = out.resolve("retrieve-" + slug(system.getKey()) + "-" + round + ".json");
          system
              .getValue()
              .rag(
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
                  "100",
                  "--report",
                  report.toString());
          JsonNode results = JSON.readTree(report.toFile()).path("results");
          record(
              figures, system.getKey(), "retrieve p50 ms, 1 client", results.get(0).path("p50_ms"));
          record(
              figures, system.getKey(), "retrieve p95 ms, 1 client", results.get(0).path("p95_ms"));
          record(
              figures,
              system.getKey(),
              "retrieve p95 ms, 8 clients",
              results.get(1).path("p95_ms"));
          record(
              figures,
              system.getKey(),
              "retrieve req/s, 8 clients",
              results.get(1).path("requests_per_second"));
        }
        for (var system : systems.entrySet()) {
          String chatUrl =
              system.getValue() == cluster ? front.url() : system.getValue().url("generate", 1);
          Path report = out.resolve("chat-" + slug(system.getKey()) + "-" + round + ".json");
          system
              .getValue()
              .rag(
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
                  "100",
                  "--report",
                  report.toString());
          JsonNode chat = JSON.readTree(report.toFile());
          JsonNode latency = chat.path("latency");
          assertThat(chat.path("quality").path("empty_answers").asInt())
              .as("empty answers on " + system.getKey())
              .isZero();
          record(
              figures,
              system.getKey(),
              "chat ttft p50 ms, 1 client",
              latency.get(0).path("ttft_p50_ms"));
          record(
              figures,
              system.getKey(),
              "chat total p95 ms, 1 client",
              latency.get(0).path("total_p95_ms"));
          record(
              figures,
              system.getKey(),
              "chat total p95 ms, 8 clients",
              latency.get(1).path("total_p95_ms"));
          record(
              figures,
              system.getKey(),
              "chat answers/s, 8 clients",
              latency.get(1).path("requests_per_second"));
        }
      }
      Map<String, Map<String, Long>> memory = new LinkedHashMap<>();
      for (var system : systems.entrySet()) {
        memory.put(system.getKey(), residentMemory(system.getValue().home.resolve("pids")));
      }
      Files.writeString(
          Path.of("target/topology-report.md"), report(name, figures, quality, memory));
    }
  }

  private static void record(
      Map<String, Map<String, List<Double>>> figures,
      String system,
      String measure,
      JsonNode value) {
    assertThat(value.isNumber()).as(measure + " on " + system).isTrue();
    figures
        .computeIfAbsent(measure, k -> new LinkedHashMap<>())
        .computeIfAbsent(system, k -> new ArrayList<>())
        .add(value.asDouble());
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

  private static String report(
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
    List<String> parts = new ArrayList<>(memory.get("cluster").keySet());
    Function<String, Map<String, Long>> of = memory::get;
    for (String part : parts) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d |%n",
              part,
              of.apply("one node").getOrDefault(part, 0L),
              of.apply("cluster").get(part)));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "| all | %d | %d |%n",
            of.apply("one node").values().stream().mapToLong(Long::longValue).sum(),
            of.apply("cluster").values().stream().mapToLong(Long::longValue).sum()));
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
