package dev.rag.ingest.kafka;

import dev.rag.common.TopicProvisioner;
import dev.rag.common.TopicSpec;
import dev.rag.common.Topics;
import dev.rag.ingest.config.IngestConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Creates, at startup, the topics this service produces to when they are missing. */
@Singleton
public class TopicSetup {

  private static final Logger LOG = Logger.getLogger(TopicSetup.class);

  void onStart(
      // Before the messaging channels start, so no client can auto-create a topic first.
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
      IngestConfig config,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    if (!config.topics().create()) {
      return;
    }
    int partitions = config.topics().partitions();
    try {
      TopicProvisioner.ensure(
          bootstrapServers,
          List.of(
              TopicSpec.compacted(Topics.DOCUMENTS, partitions),
              TopicSpec.log(Topics.deadLetter(Topics.DOCUMENTS), 1),
              TopicSpec.log(Topics.CHUNKS, partitions)),
          Duration.ofSeconds(20));
    } catch (IllegalStateException e) {
      // Readiness reports the broker as unreachable; the clients reconnect by themselves.
      LOG.errorf("Topics not provisioned: %s", e.getMessage());
    }
  }
}
