package dev.rag.retrieve.kafka;

import dev.rag.common.TopicProvisioner;
import dev.rag.retrieve.config.RetrieveConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Creates the pipeline's topics at startup when they are missing. */
@Singleton
public class TopicSetup {

  void onStart(
      // Before the messaging channels start, so no client can auto-create a topic first.
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
      RetrieveConfig config,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    if (config.topics().create()) {
      TopicProvisioner.ensurePipelineTopics(bootstrapServers, config.topics().partitions());
    }
  }
}
