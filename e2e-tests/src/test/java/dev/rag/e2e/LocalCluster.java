package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.local.LocalTls;
import dev.rag.testsupport.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cluster topology as {@code ./rag up --cluster} runs it (or another topology of {@code ./rag
 * up}), in a temporary {@code RAG_HOME} on free ports, driven through the script as a user drives
 * it ({@code up}, {@code status}, {@code stop --kill}, {@code start}, {@code down}).
 */
final class LocalCluster implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Path root;
  final Path home;
  final int chat;
  final int qdrant;
  private final Map<String, String> env = new HashMap<>();
  private HttpClient qdrantClient;
  private String key;
  private String qdrantKey;

  private LocalCluster(Path root, Path home) {
    this.root = root;
    this.home = home;
    this.chat = FreePorts.block(14);
    int kafka = FreePorts.block(6);
    this.qdrant = FreePorts.block(23);
    env.put("RAG_HOME", home.toString());
    env.put("RAG_CHAT_PORT", Integer.toString(chat));
    env.put("RAG_INGEST_PORT", Integer.toString(chat + 1));
    env.put("RAG_EMBED_PORT", Integer.toString(chat + 2));
    env.put("RAG_RETRIEVE_PORT", Integer.toString(chat + 3));
    env.put("RAG_REINDEX_EMBED_PORT", Integer.toString(chat + 4));
    env.put("RAG_KAFKA_PORT", Integer.toString(kafka));
    env.put("RAG_KAFKA_CONTROLLER_PORT", Integer.toString(kafka + 1));
    env.put("RAG_QDRANT_HTTP_PORT", Integer.toString(qdrant));
    env.put("RAG_QDRANT_GRPC_PORT", Integer.toString(qdrant + 1));
  }

  /** {@code ./rag up --cluster} (secured, its default); returns once it printed "Ready.". */
  static LocalCluster up() throws Exception {
    return start(List.of("up", "--cluster"), "3 nodes in one cluster");
  }

  /** {@code ./rag up --secure}: the one-node topology, secured as the cluster is. */
  static LocalCluster upOneNode() throws Exception {
    return start(List.of("up", "--secure"), "secured");
  }

  /**
   * {@code ./rag up --containers}: the one-node topology as containers of the project's images, run
   * as the chart runs them (API keys on; Kafka and Qdrant open on 127.0.0.1).
   */
  static LocalCluster upContainers() throws Exception {
    Path root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    LocalCluster system = new LocalCluster(root, Files.createTempDirectory("rag-containers-"));
    assertThat(system.rag(Duration.ofMinutes(15), "up", "--containers")).contains("Ready.");
    system.key = Files.readString(system.home.resolve("auth/api-key")).strip();
    return system;
  }

  private static LocalCluster start(List<String> up, String expected) throws Exception {
    Path root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    LocalCluster cluster = new LocalCluster(root, Files.createTempDirectory("rag-cluster-"));
    String output = cluster.rag(Duration.ofMinutes(12), up.toArray(String[]::new));
    assertThat(output).contains("Ready.", expected, "secured");
    cluster.key = Files.readString(cluster.home.resolve("auth/api-key")).strip();
    cluster.qdrantKey = Files.readString(cluster.home.resolve("auth/qdrant-api-key")).strip();
    cluster.qdrantClient =
        HttpClient.newBuilder()
            .sslContext(LocalTls.clientContext(LocalTls.at(cluster.home.resolve("tls"))))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return cluster;
  }

  /** The user's API key (tenant default, admin). */
  String key() {
    return key;
  }

  /** Base URL of replica {@code n} (1 or 2) of a service's HTTP door. */
  String url(String service, int n) {
    return "http://127.0.0.1:" + port(service, n);
  }

  /** HTTP port of replica {@code n} (1 or 2) of a service. */
  int port(String service, int n) {
    int offset =
        switch (service) {
          case "generate" -> 0;
          case "ingest" -> 1;
          case "embed" -> 2;
          case "retrieve" -> 3;
          default -> throw new IllegalArgumentException(service);
        };
    return chat + offset + 10 * (n - 1);
  }

  /** A front over both replicas of a service's HTTP door, as a Service in Kubernetes is. */
  ReplicaFront front(String service) throws IOException {
    return new ReplicaFront(List.of(port(service, 1), port(service, 2)));
  }

  /** Runs {@code ./rag ARGS...}, requires exit status 0, returns its output. */
  String rag(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(root.resolve("rag").toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(home, "rag-" + args[0] + "-", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    // Bounded by the script's own waits; this only stops a hung run.
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(process.exitValue()).as("./rag " + String.join(" ", args) + ":\n" + output).isZero();
    return output;
  }

  /** {@code ./rag stop NAME --kill}: SIGKILL, as a crash. */
  void kill(String process) throws Exception {
    rag(Duration.ofMinutes(1), "stop", process, "--kill");
  }

  /** {@code ./rag start NAME}: back on its storage and ports, waited for until ready. */
  void start(String process) throws Exception {
    rag(Duration.ofMinutes(5), "start", process);
  }

  /** A Qdrant REST call on node {@code n} (1-3) with the cluster's key, over its TLS. */
  JsonNode qdrant(int n, String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + (qdrant + 10 * (n - 1)) + path))
            .timeout(Duration.ofSeconds(30))
            .header("api-key", qdrantKey)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> response =
        qdrantClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          method + " " + path + " -> " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).path("result");
  }

  /** The document id of every point of {@code source}, one entry per point (any live node). */
  List<String> pointDocuments(String collection, String source) throws Exception {
    IOException last = null;
    for (int n = 1; n <= 3; n++) {
      try {
        List<String> ids = new ArrayList<>();
        Object offset = null;
        do {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("limit", 1000);
          body.put("with_payload", List.of("document_id"));
          body.put(
              "filter",
              Map.of("must", List.of(Map.of("key", "source", "match", Map.of("value", source)))));
          if (offset != null) {
            body.put("offset", offset);
          }
          JsonNode result =
              qdrant(n, "POST", "/collections/" + collection + "/points/scroll", body);
          result
              .path("points")
              .forEach(p -> ids.add(p.path("payload").path("document_id").asText()));
          offset =
              result.path("next_page_offset").isNull() ? null : result.path("next_page_offset");
        } while (offset != null);
        return ids;
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  /** {@code ./rag down}; no process may be left. */
  @Override
  public void close() throws Exception {
    rag(Duration.ofMinutes(3), "down");
    try (var pids = Files.list(home.resolve("pids"))) {
      assertThat(pids.toList()).as("processes left running").isEmpty();
    }
  }
}
