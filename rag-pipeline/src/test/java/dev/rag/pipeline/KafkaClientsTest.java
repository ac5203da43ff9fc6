package dev.rag.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** Hand-built clients get the service's whole Kafka configuration, on a real broker. */
class KafkaClientsTest {

  private final KafkaBroker broker = KafkaBroker.shared();

  @Test
  void everyClientGetsTheWholeConfigurationWithTheCallersSettingsOnTop() throws Exception {
    KafkaClients clients =
        KafkaClients.of(
            Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "security.protocol", "PLAINTEXT",
                "client.dns.lookup", "use_all_dns_ips",
                "group.id", "the-application"));
    Map<String, Object> config = clients.config(Map.of("client.id", "status-reader"));
    assertThat(config)
        .containsEntry("security.protocol", "PLAINTEXT")
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry("client.id", "status-reader");

    String topic = "rag.clients-" + UUID.randomUUID() + ".v1";
    broker.createTopics(1, List.of(topic));
    try (var admin = clients.admin(Map.of())) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
    }
    // A consumer that assigns its partitions does not join the application's group.
    try (var consumer =
        clients.consumer(Map.of(), new StringDeserializer(), new StringDeserializer())) {
      assertThat(consumer.partitionsFor(topic, Duration.ofSeconds(30))).hasSize(1);
      assertThatThrownBy(consumer::groupMetadata).isInstanceOf(InvalidGroupIdException.class);
    }
  }

  @Test
  void aClientGivenASecurityProtocolTheBrokerDoesNotSpeakCannotConnect() {
    // The settings do reach the client: SASL against a plain listener fails at once.
    KafkaClients clients =
        KafkaClients.of(
            Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN"));
    assertThatThrownBy(() -> clients.admin(Map.of()).close())
        .isInstanceOf(KafkaException.class)
        .rootCause()
        .hasMessageContaining("JAAS");
  }
}
