package dev.rag.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

class TopicProvisionerTest {

  @Test
  void createsMissingTopicsWithTheirConfigurationAndLeavesExistingOnesAlone() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    List<TopicSpec> specs =
        List.of(
            TopicSpec.compacted("provision.documents", 3), TopicSpec.log("provision.chunks", 2));

    assertThat(TopicProvisioner.ensure(broker.bootstrapServers(), specs, Duration.ofSeconds(30)))
        .containsExactlyInAnyOrder("provision.documents", "provision.chunks");
    assertThat(TopicProvisioner.ensure(broker.bootstrapServers(), specs, Duration.ofSeconds(30)))
        .isEmpty();

    try (Admin admin = broker.admin()) {
      var description =
          admin
              .describeTopics(List.of("provision.documents"))
              .allTopicNames()
              .get(10, TimeUnit.SECONDS)
              .get("provision.documents");
      assertThat(description.partitions()).hasSize(3);
      ConfigResource resource =
          new ConfigResource(ConfigResource.Type.TOPIC, "provision.documents");
      Map<ConfigResource, Config> configs =
          admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS);
      assertThat(configs.get(resource).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(configs.get(resource).get("max.message.bytes").value())
          .isEqualTo(Integer.toString(Topics.MAX_MESSAGE_BYTES));
    }
  }

  @Test
  void keysKeepADocumentsEventsTogether() {
    assertThat(Topics.documentKey("acme", "papers", "p-1")).isEqualTo("acme/papers/p-1");
    assertThat(Topics.deadLetter(Topics.DOCUMENTS)).isEqualTo("rag.documents.v1.dlq");
  }
}
