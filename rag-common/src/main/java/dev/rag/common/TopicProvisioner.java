package dev.rag.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the topics a service produces to when they do not exist yet, with the partition count and
 * configuration they need (compaction, message size). Existing topics are left as they are: on a
 * managed cluster (e.g. Strimzi) their owner decides.
 */
public final class TopicProvisioner {

  private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /**
   * Every topic of the pipeline: the three event topics and their dead-letter topics. Each service
   * ensures all of them at startup, so the first one up creates them and no consumer waits on a
   * topic that does not exist.
   */
  public static List<TopicSpec> pipelineTopics(int partitions) {
    return List.of(
        TopicSpec.compacted(Topics.DOCUMENTS, partitions),
        TopicSpec.log(Topics.CHUNKS, partitions),
        TopicSpec.log(Topics.EMBEDDINGS, partitions),
        TopicSpec.compacted(Topics.STATUS, partitions),
        TopicSpec.log(Topics.deadLetter(Topics.DOCUMENTS), 1),
        TopicSpec.log(Topics.deadLetter(Topics.CHUNKS), 1),
        TopicSpec.log(Topics.deadLetter(Topics.EMBEDDINGS), 1));
  }

  /**
   * Ensures the pipeline's topics exist, logging instead of failing when the broker cannot be
   * reached: the clients reconnect by themselves and readiness reports the broker meanwhile.
   */
  public static void ensurePipelineTopics(String bootstrapServers, int partitions) {
    ensurePipelineTopics(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), partitions);
  }

  /**
   * Like {@link #ensurePipelineTopics(String, int)}, with the whole client configuration (security
   * settings included), as the services' Kafka configuration gives it.
   */
  public static void ensurePipelineTopics(Map<String, Object> clientConfig, int partitions) {
    try {
      ensure(clientConfig, pipelineTopics(partitions), Duration.ofSeconds(20));
    } catch (IllegalStateException e) {
      LOG.errorf("Topics not provisioned: %s", e.getMessage());
    }
  }

  /**
   * Ensures the topics exist.
   *
   * @return the names of the topics this call created
   * @throws IllegalStateException when the broker cannot be reached within the timeout
   */
  public static Set<String> ensure(
      String bootstrapServers, Collection<TopicSpec> topics, Duration timeout) {
    return ensure(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics, timeout);
  }

  /** Like {@link #ensure(String, Collection, Duration)}, with the whole client configuration. */
  public static Set<String> ensure(
      Map<String, Object> clientConfig, Collection<TopicSpec> topics, Duration timeout) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 15_000));
    try (Admin admin = Admin.create(config)) {
      Set<String> existing =
          admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Set<String> created = new HashSet<>();
      List<String> notOurs = new ArrayList<>();
      for (TopicSpec spec : topics) {
        if (existing.contains(spec.name())) {
          continue;
        }
        NewTopic topic =
            new NewTopic(spec.name(), spec.partitions(), (short) -1).configs(spec.configs());
        try {
          admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          created.add(spec.name());
          LOG.infof("Created topic %s with %d partitions", spec.name(), spec.partitions());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicAuthorizationException
              || e.getCause() instanceof ClusterAuthorizationException) {
            // A secured cluster: topics are its operator's to create (and a topic this principal
            // may not describe looks missing to it).
            notOurs.add(spec.name());
          } else if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "Could not create topic " + spec.name() + ": " + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
      if (!notOurs.isEmpty()) {
        LOG.infof("Not allowed to create topics %s: left to the cluster's operator", notOurs);
      }
      return created;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at "
              + clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
              + " did not answer within "
              + timeout,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
