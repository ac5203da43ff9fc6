package dev.rag.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The values of the capacity plan in k8s/README.md ({@code helm/values-100m.yaml}) lint, render to
 * valid manifests and say what the plan says.
 */
class CapacityPlanTest {

  private static List<JsonNode> docs;

  @BeforeAll
  static void render() {
    docs = new ArrayList<>(Chart.render(Chart.HUNDRED_MILLION));
  }

  @Test
  void lintsStrictlyAndEveryManifestMatchesTheKubernetesSchema() {
    LintResult lint = Chart.lint(Chart.HUNDRED_MILLION);
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    assertThat(ManifestValidators.problems(docs)).isEmpty();
  }

  @Test
  void qdrantHasTheNodesShardsCopiesMemoryAndDiskOfThePlan() {
    JsonNode qdrant = Chart.named(docs, "StatefulSet", "rag-qdrant");
    assertThat(qdrant.at("/spec/replicas").asInt()).isEqualTo(10);
    assertThat(qdrant.at("/spec/template/spec/containers/0/resources/requests/memory").asText())
        .isEqualTo("56Gi");
    assertThat(qdrant.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText())
        .isEqualTo("250Gi");
    // Ten nodes join one cluster: every pod but the first bootstraps from the first.
    assertThat(qdrant.at("/spec/template/spec/containers/0/command/2").asText())
        .contains("--bootstrap");
    JsonNode config = Chart.named(docs, "ConfigMap", "rag-config").path("data");
    assertThat(config.path("RETRIEVE_QDRANT_SHARD_NUMBER").asText()).isEqualTo("20");
    assertThat(config.path("RETRIEVE_QDRANT_REPLICATION_FACTOR").asText()).isEqualTo("2");
    assertThat(config.path("RETRIEVE_QDRANT_INDEX_QUANTIZATION").asText()).isEqualTo("scalar");
    assertThat(config.path("RETRIEVE_QDRANT_INDEX_PAYLOAD_ON_DISK").asText()).isEqualTo("true");
    assertThat(config.path("RETRIEVE_QDRANT_INDEX_SPARSE_ON_DISK").asText()).isEqualTo("true");
  }

  @Test
  void theTopicsHaveThePartitionsAndRetentionOfThePlan() {
    List<JsonNode> topics = Chart.ofKind(docs, "KafkaTopic");
    assertThat(topics).hasSize(7);
    for (JsonNode topic : topics) {
      String name = topic.at("/spec/topicName").asText();
      boolean deadLetters = name.endsWith(".dlq");
      assertThat(topic.at("/spec/partitions").asInt()).as(name).isEqualTo(deadLetters ? 1 : 24);
      assertThat(topic.at("/spec/replicas").asInt()).as(name).isEqualTo(3);
      boolean compacted = name.equals("rag.documents.v1") || name.equals("rag.status.v1");
      assertThat(topic.at("/spec/config/retention.ms").isMissingNode())
          .as(name)
          .isEqualTo(compacted);
      if (!compacted) {
        assertThat(topic.at("/spec/config/retention.ms").asLong())
            .as(name)
            .isEqualTo(72L * 3600 * 1000);
      }
    }
  }

  @Test
  void theServicesHaveTheReplicasOfThePlan() {
    // KEDA scales embed and retrieve on their lag, never below their replica counts.
    assertThat(Chart.ofKind(docs, "ScaledObject"))
        .extracting(
            s ->
                s.at("/spec/scaleTargetRef/name").asText()
                    + ":"
                    + s.at("/spec/minReplicaCount").asInt())
        .containsExactlyInAnyOrder("rag-embed:2", "rag-retrieve:3");
    JsonNode generate = Chart.named(docs, "HorizontalPodAutoscaler", "rag-generate");
    assertThat(generate.at("/spec/minReplicas").asInt()).isEqualTo(3);
    assertThat(generate.at("/spec/maxReplicas").asInt()).isEqualTo(8);
    JsonNode embed = Chart.named(docs, "Deployment", "rag-embed");
    assertThat(
            embed
                .at("/spec/template/spec/containers/0/resources/limits")
                .path("nvidia.com/gpu")
                .asText())
        .isEqualTo("1");
    assertThat(Chart.ofKind(docs, "ScaledObject"))
        .allSatisfy(s -> assertThat(s.at("/spec/maxReplicaCount").asInt()).isEqualTo(24));
  }
}
