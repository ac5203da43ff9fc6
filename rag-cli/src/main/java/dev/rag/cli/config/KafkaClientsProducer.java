package dev.rag.cli.config;

import dev.rag.pipeline.KafkaClients;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * The one place the CLI's Kafka clients come from: rag-pipeline's {@link KafkaClients}, given the
 * whole Kafka configuration the CLI has (the {@code default-kafka-broker} map Quarkus makes of
 * every {@code kafka.*} property and {@code KAFKA_*} variable: {@code security.protocol}, SASL,
 * TLS), with the brokers from {@code rag.kafka.bootstrap}. rag-pipeline's own beans (topic setup at
 * startup, the status publisher) are services' concerns and excluded from the CLI.
 */
public class KafkaClientsProducer {

  @Produces
  @Singleton
  KafkaClients kafkaClients(
      @Identifier("default-kafka-broker") Map<String, Object> kafka, CliConfig config) {
    return KafkaClients.of(settings(kafka, config.kafka().bootstrap()));
  }

  /** The Kafka configuration with the CLI's brokers. */
  static Map<String, Object> settings(Map<String, Object> kafka, String bootstrap) {
    Map<String, Object> settings = new HashMap<>(kafka);
    settings.put("bootstrap.servers", bootstrap);
    return settings;
  }
}
