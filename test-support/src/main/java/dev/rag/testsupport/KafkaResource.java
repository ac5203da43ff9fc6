package dev.rag.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the real in-JVM Kafka broker ({@link KafkaBroker#shared()}). Dev
 * Services must be off in the service's test profile; this resource sets {@code
 * kafka.bootstrap.servers}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    return Map.of("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
  }

  @Override
  public void stop() {
    // The shared broker outlives a single test class; it stops with the JVM.
  }
}
