package dev.rag.pipeline;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka clients a service builds by hand (beside its messaging channels): each gets the whole
 * Kafka configuration the service has ({@code kafka.*}: the brokers, and {@code security.protocol},
 * SASL and TLS settings on a secured cluster), then what the caller adds. A client given only
 * {@code bootstrap.servers} could not talk to a broker that requires authentication.
 */
@ApplicationScoped
public class KafkaClients {

  private final Map<String, Object> base;

  @Inject
  KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
    this.base = Map.copyOf(kafka);
  }

  /** Clients of this configuration (tests, tools). */
  public static KafkaClients of(Map<String, Object> kafka) {
    return new KafkaClients(kafka);
  }

  /** The service's Kafka configuration with {@code overrides} on top. */
  public Map<String, Object> config(Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>(base);
    // The messaging extension's own entries are not client settings.
    config.keySet().removeIf(k -> k.startsWith("devservices") || k.startsWith("health"));
    config.putAll(overrides);
    return config;
  }

  /** The brokers, for logs and messages. */
  public String bootstrapServers() {
    return String.valueOf(base.get("bootstrap.servers"));
  }

  /** An admin client. */
  public Admin admin(Map<String, Object> overrides) {
    return Admin.create(config(overrides));
  }

  /** A consumer; give it a group or assign its partitions. */
  public <K, V> KafkaConsumer<K, V> consumer(
      Map<String, Object> overrides, Deserializer<K> keys, Deserializer<V> values) {
    return new KafkaConsumer<>(withoutGroup(config(overrides), overrides), keys, values);
  }

  /** A producer. */
  public <K, V> KafkaProducer<K, V> producer(
      Map<String, Object> overrides, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(config(overrides), keys, values);
  }

  /**
   * The connector may name a default consumer group for the application; a hand-built consumer that
   * assigns its partitions itself must not join it.
   */
  private static Map<String, Object> withoutGroup(
      Map<String, Object> config, Map<String, Object> overrides) {
    if (!overrides.containsKey("group.id")) {
      config.remove("group.id");
    }
    return config;
  }
}
