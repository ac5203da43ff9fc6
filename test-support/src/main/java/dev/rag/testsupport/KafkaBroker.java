package dev.rag.testsupport;

import dev.rag.local.LocalTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.testcontainers.containers.GenericContainer;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside the test
 * JVM, open ({@link #start}) or secured as production clusters are ({@link #startSecured}).
 *
 * <p>With {@link TestInfra#containers()} the shared broker is a container of the local Kafka image
 * instead ({@link #startContainer}), reached the same way.
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

  /** The SASL mechanism of a secured broker. */
  public static final String SCRAM = "SCRAM-SHA-512";

  private KafkaRaftServer server;

  /** The broker's container, when tests take theirs from containers ({@link TestInfra}). */
  private GenericContainer<?> container;

  private final String bootstrapServers;
  private final Path dataDir;
  private final Security security;
  private Properties props;

  /**
   * How a secured broker is reached: its TLS material and the operator's (super user's)
   * credentials.
   */
  private record Security(LocalTls.Material tls, String adminPassword) {}

  private KafkaBroker(
      KafkaRaftServer server, String bootstrapServers, Path dataDir, Security security) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.security = security;
  }

  /**
   * Stops the broker, keeping its data and ports, waits {@code down}, then starts it again (for
   * fault tests: clients see a broker outage and must resume on their own).
   */
  public synchronized void restart(Duration down) {
    requireOwned();
    if (container != null) {
      // A clean shutdown, as in this JVM (Testcontainers' own stop is a kill).
      container
          .getDockerClient()
          .stopContainerCmd(container.getContainerId())
          .withTimeout(60)
          .exec();
      container.stop();
      sleep(down.toMillis());
      TestInfra.start(container);
      awaitReady(Duration.ofSeconds(60));
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    sleep(down.toMillis());
    server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
    awaitReady(Duration.ofSeconds(60));
  }

  /**
   * Returns the broker shared by every test in this JVM, starting it on first use: in this JVM, or
   * as a container when {@link TestInfra#containers()}. It stops when the JVM exits. Copies of this
   * class in other class loaders (Quarkus's, one per test profile) get a handle on the same broker,
   * which the system class loader's copy runs ({@link SystemLoader}).
   */
  public static synchronized KafkaBroker shared() {
    if (shared == null) {
      Optional<Object> elsewhere = SystemLoader.call(KafkaBroker.class, "sharedBootstrapServers");
      if (elsewhere.isPresent()) {
        // A handle on the broker the JVM's own copy of this class runs.
        shared = new KafkaBroker(null, (String) elsewhere.get(), null, null);
      } else {
        shared = TestInfra.containers() ? startContainer(2) : start(2);
        KafkaBroker broker = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
      }
    }
    return shared;
  }

  /**
   * The {@code bootstrap.servers} of {@link #shared()}; what other class loaders' copies of this
   * class call ({@link SystemLoader}).
   */
  public static String sharedBootstrapServers() {
    return shared().bootstrapServers();
  }

  /**
   * Formats storage and starts a new broker.
   *
   * @param defaultPartitions partitions of auto-created topics
   */
  public static KafkaBroker start(int defaultPartitions) {
    return start(defaultPartitions, false);
  }

  /**
   * Formats storage and starts a secured broker, as a production cluster is: clients authenticate
   * with SASL/SCRAM ({@value #SCRAM}) over TLS, the controller listener takes TLS client
   * certificates only, and the standard authorizer refuses whatever no ACL allows. Principals
   * {@code broker} and {@code admin} are super users; others come from {@link #createUser}.
   */
  public static KafkaBroker startSecured(int defaultPartitions) {
    return start(defaultPartitions, true);
  }

  /**
   * Starts a broker in a container of the local Kafka image ({@link TestInfra#kafka}), open, on
   * free ports, its log in a temporary directory.
   */
  public static KafkaBroker startContainer(int defaultPartitions) {
    try {
      Path dir = Files.createTempDirectory("rag-kafka-");
      int brokerPort = FreePorts.find();
      GenericContainer<?> container =
          TestInfra.kafka(brokerPort, FreePorts.find(), defaultPartitions, dir.resolve("log"));
      TestInfra.start(container);
      KafkaBroker broker = new KafkaBroker(null, "127.0.0.1:" + brokerPort, dir, null);
      broker.container = container;
      try {
        broker.awaitReady(Duration.ofSeconds(120));
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare the Kafka broker's directory", e);
    }
  }

  private static KafkaBroker start(int defaultPartitions, boolean secured) {
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
          "BROKER://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
      props.put("advertised.listeners", "BROKER://127.0.0.1:" + brokerPort);
      props.put("controller.listener.names", "CONTROLLER");
      props.put("inter.broker.listener.name", "BROKER");
      List<String> format = new ArrayList<>();
      Security security = null;
      if (secured) {
        security = new Security(LocalTls.ensure(dir.resolve("tls")), randomSecret());
        String brokerPassword = randomSecret();
        props.put("listener.security.protocol.map", "BROKER:SASL_SSL,CONTROLLER:SSL");
        props.put("sasl.enabled.mechanisms", SCRAM);
        props.put("sasl.mechanism.inter.broker.protocol", SCRAM);
        props.put(
            "listener.name.broker." + SCRAM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
            jaas("broker", brokerPassword));
        props.put("listener.name.controller.ssl.client.auth", "required");
        props.putAll(keystore(security.tls()));
        props.put(
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:broker;User:admin;User:" + LocalTls.SERVER_SUBJECT);
        props.put("allow.everyone.if.no.acl.found", "false");
        format.addAll(List.of("--add-scram", scramEntry("broker", brokerPassword)));
        format.addAll(List.of("--add-scram", scramEntry("admin", security.adminPassword())));
      } else {
        props.put("listener.security.protocol.map", "BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT");
      }
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
      List<String> args =
          new ArrayList<>(
              List.of(
                  "format",
                  "-t",
                  Uuid.randomUuid().toString(),
                  "-c",
                  config.toString(),
                  "--ignore-formatted"));
      args.addAll(format);
      int rc =
          StorageTool.execute(
              args.toArray(String[]::new),
              new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
      if (rc != 0) {
        throw new IllegalStateException(
            "Kafka storage format failed: " + formatOutput.toString(StandardCharsets.UTF_8));
      }
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
      KafkaBroker broker = new KafkaBroker(server, "127.0.0.1:" + brokerPort, dir, security);
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

  /** A new admin client for this broker (the operator's, when secured); the caller closes it. */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>(adminConfig());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(config);
  }

  /** The client settings of the operator: brokers, and the super user's credentials if secured. */
  public Map<String, Object> adminConfig() {
    Map<String, Object> config =
        new HashMap<>(
            security == null ? Map.of() : clientConfig("admin", security.adminPassword()));
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return config;
  }

  /** Whether clients must authenticate ({@link #startSecured}). */
  public boolean secured() {
    return security != null;
  }

  /** The TLS material of a secured broker: its authority is what clients trust. */
  public LocalTls.Material tls() {
    requireSecured();
    return security.tls();
  }

  /**
   * The client settings of principal {@code user} on this secured broker: brokers, SASL_SSL with
   * SCRAM, the truststore. As {@code kafka.*} properties of a service they are its whole Kafka
   * configuration.
   */
  public Map<String, Object> clientConfig(String user, String password) {
    requireSecured();
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put("security.protocol", "SASL_SSL");
    config.put("sasl.mechanism", SCRAM);
    config.put("sasl.jaas.config", jaas(user, password));
    config.put("ssl.truststore.location", security.tls().truststore().toString());
    config.put("ssl.truststore.type", "PKCS12");
    config.put("ssl.truststore.password", security.tls().password());
    return config;
  }

  /**
   * Adds a SCRAM principal to this secured broker and waits until it can authenticate.
   *
   * @return its password
   */
  public String createUser(String user) {
    requireSecured();
    String password = randomSecret();
    try (Admin admin = admin()) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Could not create Kafka user " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Map<String, Object> config = new HashMap<>(clientConfig(user, password));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      // The credential reaches the broker through the metadata log, just after the call returns.
      try (Admin asUser = Admin.create(config)) {
        asUser.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        return password;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka user " + user + " cannot authenticate", e);
        }
        sleep(200);
      }
    }
  }

  /** Adds ACLs on this secured broker. */
  public void grant(Collection<AclBinding> acls) {
    requireSecured();
    try (Admin admin = admin()) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Could not create ACLs " + acls, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void requireSecured() {
    if (security == null) {
      throw new IllegalStateException("this broker is not secured: start it with startSecured");
    }
  }

  private static Map<String, String> keystore(LocalTls.Material tls) {
    return Map.of(
        "ssl.keystore.location", tls.keystore().toString(),
        "ssl.keystore.type", "PKCS12",
        "ssl.keystore.password", tls.password(),
        "ssl.key.password", tls.password(),
        "ssl.truststore.location", tls.truststore().toString(),
        "ssl.truststore.type", "PKCS12",
        "ssl.truststore.password", tls.password());
  }

  /** The JAAS line of a SCRAM login. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static String scramEntry(String user, String password) {
    return SCRAM + "=[name=" + user + ",password=" + password + "]";
  }

  private static String randomSecret() {
    return HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
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
    throw new IllegalStateException("The Kafka broker did not become ready", last);
  }

  /** Stops the broker and deletes its data (a handle on another copy's broker does nothing). */
  @Override
  public synchronized void close() {
    if (!owned()) {
      return;
    }
    try {
      if (container != null) {
        container.stop();
      } else {
        server.shutdown();
        server.awaitShutdown();
      }
    } catch (RuntimeException e) {
      // Shutting down on JVM exit: nothing more can be done.
    }
    Dirs.deleteQuietly(dataDir);
  }

  /** Whether this object runs its broker, rather than being a handle on another copy's. */
  private boolean owned() {
    return server != null || container != null;
  }

  private void requireOwned() {
    if (!owned()) {
      throw new IllegalStateException(
          "this broker is run by the JVM's own copy of KafkaBroker; restart a broker of your own");
    }
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
