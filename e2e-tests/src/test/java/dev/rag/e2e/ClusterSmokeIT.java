package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./rag up --cluster} as a user runs it, on free ports: three secured brokers, a three-node
 * Qdrant cluster and two replicas of each service answer through any replica, the collection has
 * its shards and copies on different nodes, and with one broker and one Qdrant node killed (-9)
 * answers and uploads go on, then they come back; through a front over both generate replicas the
 * OpenAI SDK's questions are answered with one replica killed. The fault suite proper (under load,
 * every layer) is {@link ClusterFaultsIT}, behind {@code -Pcluster}.
 */
class ClusterSmokeIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String COLLECTION = "rag_passages__bge_small_en_v1_5_int8";

  private static LocalCluster cluster;

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.up();
  }

  @AfterAll
  static void down() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void everyReplicaAnswersAndTheClusterOutlivesANodeOfEachKind() throws Exception {
    String status = cluster.rag(Duration.ofMinutes(1), "status");
    assertThat(status.lines().filter(l -> l.contains("running (pid"))).hasSize(14);

    for (int replica = 1; replica <= 2; replica++) {
      assertThat(JsonHttp.cited(ask(replica))).as("generate-" + replica).isNotEmpty();
    }
    // Uploaded through the second ingest replica, followed through the first.
    upload(2, "kiwi", "The kiwi is a flightless bird of New Zealand that lays a huge egg.");
    awaitIndexed(1, "kiwi");

    // 3 shards with 2 copies each, on different nodes: every node holds 2 of them.
    Map<Integer, Set<Long>> holders = new HashMap<>();
    for (int node = 1; node <= 3; node++) {
      JsonNode info = cluster.qdrant(node, "GET", "/collections/" + COLLECTION + "/cluster", null);
      assertThat(info.path("local_shards")).hasSize(2);
      for (JsonNode shard : info.path("local_shards")) {
        holders
            .computeIfAbsent(shard.path("shard_id").asInt(), k -> new HashSet<>())
            .add(info.path("peer_id").asLong());
      }
    }
    assertThat(holders).hasSize(3).allSatisfy((shard, peers) -> assertThat(peers).hasSize(2));

    cluster.kill("kafka-2");
    cluster.kill("qdrant-2");
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      int replica = 1 + i % 2;
      if (JsonHttp.cited(ask(replica)).isEmpty()) {
        failed.add(replica);
      }
    }
    assertThat(failed).as("generate replicas that gave no cited answer").isEmpty();
    upload(1, "emu", "The emu is a tall flightless bird of Australia, after the ostrich.");
    awaitIndexed(2, "emu");

    cluster.start("kafka-2");
    cluster.start("qdrant-2");
    assertThat(cluster.rag(Duration.ofMinutes(1), "status").lines())
        .filteredOn(l -> l.contains("running (pid"))
        .hasSize(14);

    // Users reach the chat door through one front over the replicas (a Kubernetes Service), with
    // the OpenAI SDK: with generate-1 killed, every question is answered by generate-2. Each
    // client opens its own connection, and the front deals connections to the replicas in turn.
    try (ReplicaFront front = cluster.front("generate")) {
      cluster.kill("generate-1");
      for (int i = 0; i < 4; i++) {
        try (SdkChat chat = new SdkChat(front.url(), cluster.key())) {
          assertThat(SdkChat.cited(chat.ask("Which port does the chat page use?")))
              .as("answer " + i + " with generate-1 killed")
              .isNotEmpty();
        }
      }
      assertThat(front.moved()).as("connections the front moved to generate-2").isPositive();
    }
  }

  private static JsonNode ask(int replica) throws Exception {
    HttpResponse<String> response =
        JsonHttp.send(
            cluster.key(),
            "POST",
            cluster.url("generate", replica) + "/v1/chat/completions",
            Map.of(
                "model",
                "rag",
                "messages",
                List.of(Map.of("role", "user", "content", "Which port does the chat page use?"))));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void upload(int replica, String id, String text) throws Exception {
    HttpResponse<String> receipt =
        JsonHttp.send(
            cluster.key(),
            "POST",
            cluster.url("ingest", replica) + "/v1/documents",
            Map.of("id", id, "source", "notes", "title", id, "text", text));
    assertThat(receipt.statusCode()).as(receipt.body()).isLessThan(300);
  }

  private static void awaitIndexed(int replica, String id) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                JSON.readTree(
                        JsonHttp.send(
                                cluster.key(),
                                "GET",
                                cluster.url("ingest", replica)
                                    + "/v1/documents/"
                                    + id
                                    + "?source=notes",
                                null)
                            .body())
                    .path("state")
                    .asText()
                    .equals("indexed"));
  }
}
