package dev.rag.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside the test
 * JVM.
 *
 * <p>It uses Kafka's own server classes at the version the Quarkus BOM pins for the clients, so
 * what the tests talk to is the broker users run. It listens on 127.0.0.1 only, on free ports, and
 * keeps its log in a temporary directory removed on {@link #close()}.
 */
public final class KafkaBroker implements AutoCloseable {

  /** Loggers held so the levels set on them stay in force. */
  private static final List<java.util.logging.Logger> QUIET_LOGGERS =
      List.of("kafka", "org.apache.kafka", "state.change.logger").stream()
          .map(java.util.logging.Logger::getLogger)
          .toList();

  static {
    // The broker logs every partition and group change at INFO; tests need its warnings only.
    QUIET_LOGGERS.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
  }

  private static KafkaBroker shared;

  private KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private Properties props;

  private KafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /**
   * Stops the broker, keeping its data and ports, waits {@code down}, then starts it again (for
   * fault tests: clients see a broker outage and must resume on their own).
   */
  public synchronized void restart(Duration down) {
    server.shutdown();
    server.awaitShutdown();
    sleep(down.toMillis());
    server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
    awaitReady(Duration.ofSeconds(60));
  }

  /**
   * Returns the broker shared by every test in this JVM, starting it on first use. It stops when
   * the JVM exits.
   */
  public static synchronized KafkaBroker shared() {
    if (shared == null) {
      shared = start(2);
      KafkaBroker broker = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
    }
    return shared;
  }

  /**
   * Formats storage and starts a new broker.
   *
   * @param defaultPartitions partitions of auto-created topics
   */
  public static KafkaBroker start(int defaultPartitions) {
    try {
      Path dir = Files.createTempDirectory("rag-kafka-");
      int brokerPort = FreePorts.find();
      int controllerPort = FreePorts.find();
      Properties props = new Properties();
      props.put("process.roles", "broker,controller");
      props.put("node.id", "1");
      props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      props.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", "PLAINTEXT");
      props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      props.put("log.dirs", dir.resolve("log").toString());
      props.put("num.partitions", Integer.toString(defaultPartitions));
      props.put("auto.create.topics.enable", "false");
      props.put("offsets.topic.replication.factor", "1");
      props.put("offsets.topic.num.partitions", "4");
      props.put("transaction.state.log.replication.factor", "1");
      props.put("transaction.state.log.min.isr", "1");
      props.put("transaction.state.log.num.partitions", "4");
      props.put("share.coordinator.state.topic.replication.factor", "1");
      props.put("share.coordinator.state.topic.min.isr", "1");
      props.put("group.initial.rebalance.delay.ms", "0");
      props.put("log.flush.interval.messages", "1");

      Path config = dir.resolve("server.properties");
      try (var out = Files.newBufferedWriter(config)) {
        props.store(out, "rag test broker");
      }
      ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
      int rc =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString(),
                "--ignore-formatted"
              },
              new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IllegalStateException(
            "Kafka storage format failed: " + formatOutput.toString(StandardCharsets.UTF_8));
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      KafkaBroker broker = new KafkaBroker(server, "127.0.0.1:" + brokerPort, dir);
      broker.props = props;
      broker.awaitReady(Duration.ofSeconds(60));
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare the Kafka broker's directory", e);
    }
  }

  /** The {@code bootstrap.servers} value for clients. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Creates the topics (ignoring those that exist) with the given partition count. */
  public void createTopics(int partitions, Collection<String> names) {
    try (Admin admin = admin()) {
      List<NewTopic> topics =
          names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList();
      try {
        admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("Could not create topics " + names, e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Timed out creating topics " + names, e);
    }
  }

  /** A new admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            30_000));
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try (Admin admin = admin()) {
        Set<String> nodes =
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
                .map(n -> n.idString())
                .collect(Collectors.toSet());
        if (!nodes.isEmpty()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      sleep(200);
    }
    throw new IllegalStateException("The in-JVM Kafka broker did not become ready", last);
  }

  /** Stops the broker and deletes its data. */
  @Override
  public synchronized void close() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      // Shutting down on JVM exit: nothing more can be done.
    }
    Dirs.deleteQuietly(dataDir);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
