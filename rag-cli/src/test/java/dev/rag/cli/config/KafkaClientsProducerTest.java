package dev.rag.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.pipeline.KafkaClients;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** The CLI's Kafka clients get the whole Kafka configuration, security included. */
@QuarkusTest
@TestProfile(KafkaClientsProducerTest.SecuredCluster.class)
class KafkaClientsProducerTest {

  /** A cluster that wants SASL, given as properties and as an environment-style name. */
  public static class SecuredCluster implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "kafka.security.protocol", "SASL_PLAINTEXT",
          "kafka.sasl.mechanism", "PLAIN",
          "KAFKA_CLIENT_DNS_LOOKUP", "use_all_dns_ips",
          "rag.kafka.bootstrap", "127.0.0.1:19093");
    }
  }

  @Inject KafkaClients kafka;

  @Test
  void everyClientGetsTheSecuritySettingsAndTheBrokersOfRagKafkaBootstrap() {
    assertThat(kafka.config(Map.of("client.id", "dlq-redrive")))
        .containsEntry("security.protocol", "SASL_PLAINTEXT")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry("bootstrap.servers", "127.0.0.1:19093")
        .containsEntry("client.id", "dlq-redrive");
    // The settings reach the client itself: SASL without a JAAS configuration is refused at once.
    assertThatThrownBy(() -> kafka.admin(Map.of()).close())
        .isInstanceOf(KafkaException.class)
        .rootCause()
        .hasMessageContaining("JAAS");
  }
}
