package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./rag up --cluster} as a user runs it, on free ports: three secured brokers, a three-node
 * Qdrant cluster and two replicas of each service answer through any replica, the collection has
 * its shards and copies on different nodes, and with one broker and one Qdrant node killed (-9)
 * answers and uploads go on. The fault suite proper (under load, every layer) is behind {@code
 * -Pcluster}.
 */
class ClusterSmokeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String COLLECTION = "rag_passages__bge_small_en_v1_5_int8";

  private static Path root;
  private static Path home;
  private static Map<String, String> env;
  private static int chat;
  private static int qdrant;
  private static String key;

  @BeforeAll
  static void up() throws Exception {
    root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    home = Files.createTempDirectory("rag-cluster-");
    chat = FreePorts.block(14);
    int kafka = FreePorts.block(6);
    qdrant = FreePorts.block(23);
    env = new HashMap<>();
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
    String output = rag(Duration.ofMinutes(12), "up", "--cluster");
    assertThat(output).contains("Ready.", "3 nodes in one cluster", "secured");
    key = Files.readString(home.resolve("auth/api-key")).strip();
  }

  @AfterAll
  static void down() throws Exception {
    if (home != null) {
      rag(Duration.ofMinutes(3), "down");
      try (var pids = Files.list(home.resolve("pids"))) {
        assertThat(pids.toList()).as("processes left running").isEmpty();
      }
    }
  }

  @Test
  void everyReplicaAnswersAndTheClusterOutlivesANodeOfEachKind() throws Exception {
    String status = rag(Duration.ofMinutes(1), "status");
    assertThat(status.lines().filter(l -> l.contains("running (pid"))).hasSize(14);

    for (int replica = 0; replica < 2; replica++) {
      assertThat(JsonHttp.cited(ask(chat + 10 * replica)))
          .as("generate-" + (replica + 1))
          .isNotEmpty();
    }
    // Uploaded through the second ingest replica, followed through the first.
    upload(chat + 11, "kiwi", "The kiwi is a flightless bird of New Zealand that lays a huge egg.");
    awaitIndexed(chat + 1, "kiwi");

    // 3 shards with 2 copies each, on different nodes: every node holds 2 of them.
    Map<Integer, Set<Long>> holders = new HashMap<>();
    for (int node = 0; node < 3; node++) {
      JsonNode info = clusterInfo(node);
      assertThat(info.path("local_shards")).hasSize(2);
      for (JsonNode shard : info.path("local_shards")) {
        holders
            .computeIfAbsent(shard.path("shard_id").asInt(), k -> new HashSet<>())
            .add(info.path("peer_id").asLong());
      }
    }
    assertThat(holders).hasSize(3).allSatisfy((shard, peers) -> assertThat(peers).hasSize(2));

    kill("kafka-2");
    kill("qdrant-2");
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int port = chat + 10 * (i % 2);
      if (JsonHttp.cited(ask(port)).isEmpty()) {
        failed.add(port);
      }
    }
    assertThat(failed).as("chats without a cited answer").isEmpty();
    upload(chat + 1, "emu", "The emu is a tall flightless bird of Australia, after the ostrich.");
    awaitIndexed(chat + 11, "emu");
  }

  private static String rag(Duration timeout, String... args) throws Exception {
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

  private static JsonNode ask(int port) throws Exception {
    HttpResponse<String> response =
        JsonHttp.send(
            key,
            "POST",
            "http://127.0.0.1:" + port + "/v1/chat/completions",
            Map.of(
                "model",
                "rag",
                "messages",
                List.of(Map.of("role", "user", "content", "Which port does the chat page use?"))));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void upload(int port, String id, String text) throws Exception {
    HttpResponse<String> receipt =
        JsonHttp.send(
            key,
            "POST",
            "http://127.0.0.1:" + port + "/v1/documents",
            Map.of("id", id, "source", "notes", "title", id, "text", text));
    assertThat(receipt.statusCode()).as(receipt.body()).isLessThan(300);
  }

  private static void awaitIndexed(int port, String id) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                JSON.readTree(
                        JsonHttp.send(
                                key,
                                "GET",
                                "http://127.0.0.1:"
                                    + port
                                    + "/v1/documents/"
                                    + id
                                    + "?source=notes",
                                null)
                            .body())
                    .path("state")
                    .asText()
                    .equals("indexed"));
  }

  private static JsonNode clusterInfo(int node) throws IOException, InterruptedException {
    HttpClient tls =
        HttpClient.newBuilder()
            .sslContext(LocalTls.clientContext(LocalTls.at(home.resolve("tls"))))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response =
        tls.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "https://127.0.0.1:"
                            + (qdrant + 10 * node)
                            + "/collections/"
                            + COLLECTION
                            + "/cluster"))
                .header("api-key", Files.readString(home.resolve("auth/qdrant-api-key")).strip())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("result");
  }

  private static void kill(String process) throws Exception {
    long pid = Long.parseLong(Files.readString(home.resolve("pids/" + process + ".pid")).strip());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
  }
}
