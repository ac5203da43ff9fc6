package dev.rag.pipeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Provisioning of the pipeline's topics, under {@code rag.topics.*} (the same in every service).
 */
@ConfigMapping(prefix = "rag.topics")
public interface TopicsConfig {

  /**
   * Create the pipeline's missing topics at startup (off where another owner manages them, e.g.
   * Strimzi).
   */
  @WithDefault("true")
  boolean create();

  /** Partitions of the topics this service creates (the event topics; dead-letter topics get 1). */
  @WithDefault("6")
  int partitions();
}
