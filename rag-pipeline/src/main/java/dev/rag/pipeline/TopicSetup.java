package dev.rag.pipeline;

import dev.rag.common.TopicProvisioner;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.util.Map;

/** Creates the pipeline's topics at startup when they are missing, in every service alike. */
@Singleton
public class TopicSetup {

  void onStart(
      // Before the messaging channels start, so no client can auto-create a topic first.
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event,
      TopicsConfig config,
      KafkaClients kafka) {
    if (config.create()) {
      TopicProvisioner.ensurePipelineTopics(kafka.config(Map.of()), config.partitions());
    }
  }
}
