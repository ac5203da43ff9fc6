package dev.rag.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.common.KafkaAccess.Service;
import dev.rag.testsupport.KafkaBroker;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services' ACLs on a real secured broker (SASL/SCRAM over TLS, the standard authorizer): each
 * principal does its own work and is refused the rest.
 */
class KafkaAccessTest {

  private static KafkaBroker broker;
  private static final Map<Service, String> PASSWORDS = new EnumMap<>(Service.class);

  @BeforeAll
  static void secureBroker() {
    broker = KafkaBroker.startSecured(2);
    broker.createTopics(
        2, TopicProvisioner.pipelineTopics(2).stream().map(TopicSpec::name).toList());
    for (Service service : Service.values()) {
      PASSWORDS.put(service, broker.createUser(service.id()));
      broker.grant(KafkaAccess.bindings(service, "User:" + service.id()));
    }
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void eachServiceWritesTheTopicsItProducesTo() throws Exception {
    send(Service.INGEST, Topics.DOCUMENTS);
    send(Service.INGEST, Topics.CHUNKS);
    send(Service.INGEST, Topics.STATUS);
    send(Service.EMBED, Topics.EMBEDDINGS);
    send(Service.EMBED, Topics.deadLetter(Topics.CHUNKS));
    send(Service.RETRIEVE, Topics.STATUS);
  }

  @Test
  void aServiceMayNotWriteAnotherStagesTopic() {
    assertThatThrownBy(() -> send(Service.INGEST, Topics.EMBEDDINGS))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send(Service.RETRIEVE, Topics.CHUNKS))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    assertThatThrownBy(() -> send(Service.EMBED, Topics.DOCUMENTS))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void eachServiceReadsItsTopicInItsOwnGroupOnly() {
    assertThat(poll(Service.EMBED, Topics.CHUNKS, ConsumerGroups.embed("m"))).isTrue();
    assertThat(poll(Service.RETRIEVE, Topics.EMBEDDINGS, ConsumerGroups.RETRIEVE)).isTrue();
    // embed's credentials do not read the uploaded documents,
    assertThatThrownBy(() -> poll(Service.EMBED, Topics.DOCUMENTS, ConsumerGroups.embed("m")))
        .isInstanceOf(TopicAuthorizationException.class);
    // nor join ingest's group on a topic embed may read.
    assertThatThrownBy(() -> poll(Service.EMBED, Topics.CHUNKS, ConsumerGroups.INGEST))
        .isInstanceOf(GroupAuthorizationException.class);
  }

  @Test
  void aClientWithoutTheRightCredentialsIsRefused() {
    Map<String, Object> wrongPassword =
        new HashMap<>(broker.clientConfig(Service.INGEST.id(), "not-the-password"));
    assertThatThrownBy(() -> describe(wrongPassword))
        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    Map<String, Object> unknownUser = new HashMap<>(broker.clientConfig("generate", "anything"));
    assertThatThrownBy(() -> describe(unknownUser))
        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    // No TLS and no SASL at all: the broker's TLS listener never answers a plaintext client.
    Map<String, Object> plaintext =
        new HashMap<>(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    assertThatThrownBy(() -> describe(plaintext)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void aServiceLeavesTopicsItMayNotCreateToTheOperator() {
    Map<String, Object> embed = config(Service.EMBED);
    assertThat(
            TopicProvisioner.ensure(
                embed, TopicProvisioner.pipelineTopics(2), Duration.ofSeconds(20)))
        .isEmpty();
    assertThat(
            TopicProvisioner.ensure(
                embed, List.of(TopicSpec.log("rag.unknown.v1", 1)), Duration.ofSeconds(20)))
        .isEmpty();
    try (Admin admin = broker.admin()) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .doesNotContain("rag.unknown.v1");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theGrantsAreTheOnesTheDesignNames() {
    assertThat(KafkaAccess.grants(Service.INGEST))
        .extracting(KafkaAccess.Grant::name)
        .doesNotContain(Topics.EMBEDDINGS);
    assertThat(KafkaAccess.grants(Service.EMBED))
        .extracting(KafkaAccess.Grant::name)
        .doesNotContain(Topics.DOCUMENTS);
    assertThat(KafkaAccess.grants(Service.RETRIEVE))
        .extracting(KafkaAccess.Grant::name)
        .containsOnly(
            Topics.EMBEDDINGS,
            Topics.STATUS,
            Topics.deadLetter(Topics.EMBEDDINGS),
            ConsumerGroups.RETRIEVE);
  }

  private static Map<String, Object> config(Service service) {
    return broker.clientConfig(service.id(), PASSWORDS.get(service));
  }

  private static void send(Service service, String topic) throws Exception {
    Map<String, Object> config = new HashMap<>(config(service));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
    }
  }

  /** Joins {@code group} on {@code topic} and polls until assigned; true once it could. */
  private static boolean poll(Service service, String topic, String group) {
    Map<String, Object> config = new HashMap<>(config(service));
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (consumer.assignment().isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("never assigned a partition of " + topic);
        }
        consumer.poll(Duration.ofMillis(500));
      }
      return true;
    }
  }

  private static void describe(Map<String, Object> config) throws Exception {
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }
}
