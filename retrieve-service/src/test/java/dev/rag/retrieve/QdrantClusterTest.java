package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.common.Topics;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantCluster;
import dev.rag.testsupport.QdrantServer;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * retrieve-service on a real three-node Qdrant cluster, as {@code ./rag up --cluster} and the
 * chart's replicated Qdrant run it: its collection is made with 3 shards of 2 copies spread over
 * the nodes, writes need one copy, and with a node killed every search is still answered (the
 * client knows every node) and writes go on; the node that comes back catches up.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantClusterTest.ThreeNodes.class)
@WithTestResource(ServiceKeyResource.class)
class QdrantClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "cluster_" + UUID.randomUUID().toString().replace("-", "");
  private static final String COLLECTION =
      PREFIX + "__" + HashingQueryEmbedder.MODEL.replaceAll("[^A-Za-z0-9]", "_");

  /** Starts the cluster and points the service at all of its nodes. */
  public static class ThreeNodes implements QuarkusTestResourceLifecycleManager {
    static QdrantCluster cluster;

    @Override
    public Map<String, String> start() {
      cluster = QdrantCluster.start(3);
      return Map.of(
          "retrieve.qdrant.hosts", cluster.grpcAddresses(),
          "retrieve.qdrant.collection", PREFIX,
          "retrieve.qdrant.shard-number", "3",
          "retrieve.qdrant.replication-factor", "2",
          "retrieve.qdrant.write-consistency-factor", "1");
    }

    @Override
    public void stop() {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer;

  @GrpcClient("retrieve")
  Retrieve grpc;

  @Inject QdrantPassageRepository repository;

  @BeforeAll
  static void connect() {
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void disconnect() {
    producer.close();
  }

  @Test
  void searchesAndWritesGoOnWhileANodeIsDownAndItsCopiesCatchUp() throws Exception {
    String tenant = "t-" + UUID.randomUUID();
    for (int d = 0; d < 12; d++) {
      publish(tenant, "doc-" + d, "passage " + d + " about sharded vector search");
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> count(tenant) == 12);

    // 3 shards, 2 copies each, on 3 different nodes: every node holds 2 shards.
    List<QdrantServer> nodes = ThreeNodes.cluster.nodes();
    Map<Integer, Set<Long>> holders = new HashMap<>();
    for (QdrantServer node : nodes) {
      JsonNode info = clusterInfo(node);
      assertThat(info.path("shard_count").asInt()).isEqualTo(3);
      assertThat(info.path("local_shards")).hasSize(2);
      for (JsonNode shard : info.path("local_shards")) {
        assertThat(shard.path("state").asText()).isEqualTo("Active");
        holders
            .computeIfAbsent(shard.path("shard_id").asInt(), k -> new HashSet<>())
            .add(info.path("peer_id").asLong());
      }
    }
    assertThat(holders).hasSize(3).allSatisfy((shard, peers) -> assertThat(peers).hasSize(2));

    QdrantServer down = nodes.get(1);
    down.kill();
    try {
      for (int i = 0; i < 10; i++) {
        RetrieveResponse response = retrieve(tenant, "sharded vector search passage " + i);
        assertThat(response.getPassagesCount()).isPositive();
      }
      for (int d = 12; d < 15; d++) {
        publish(tenant, "doc-" + d, "passage " + d + " written while a node was down");
      }
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> count(tenant) == 15);
    } finally {
      down.relaunch();
    }

    // The node that was down holds the same points as the other copy of each of its shards.
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> copiesAgree(nodes));
  }

  private static boolean copiesAgree(List<QdrantServer> nodes) throws Exception {
    Map<Integer, Set<Long>> countsByShard = new HashMap<>();
    for (QdrantServer node : nodes) {
      for (JsonNode shard : clusterInfo(node).path("local_shards")) {
        if (!shard.path("state").asText().equals("Active")) {
          return false;
        }
        countsByShard
            .computeIfAbsent(shard.path("shard_id").asInt(), k -> new HashSet<>())
            .add(shard.path("points_count").asLong());
      }
    }
    long total = 0;
    for (Set<Long> counts : countsByShard.values()) {
      if (counts.size() != 1) {
        return false;
      }
      total += counts.iterator().next();
    }
    return countsByShard.size() == 3 && total >= 15;
  }

  private static JsonNode clusterInfo(QdrantServer node) throws Exception {
    return JSON.readTree(QdrantCluster.get(node, "/collections/" + COLLECTION + "/cluster"))
        .path("result");
  }

  private long count(String tenant) {
    long total = 0;
    for (int d = 0; d < 15; d++) {
      total += repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "doc-" + d);
    }
    return total;
  }

  private static void publish(String tenant, String id, String text) throws Exception {
    EmbeddingsEvent event = IndexAndRetrieveTest.event(tenant, "papers", id, "v1", 0, 1, text);
    DocumentHeader h = event.getHeader();
    producer
        .send(
            new ProducerRecord<>(
                Topics.EMBEDDINGS,
                Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
                event.toByteArray()))
        .get();
  }

  private RetrieveResponse retrieve(String tenant, String query) {
    return grpc.retrieve(
            RetrieveRequest.newBuilder()
                .setTenant(tenant)
                .setQuery(query)
                .setTopK(5)
                .setMode(RetrievalMode.RETRIEVAL_MODE_FULL)
                .build())
        .await()
        .atMost(Duration.ofSeconds(30));
  }
}
