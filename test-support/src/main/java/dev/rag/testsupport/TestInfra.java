package dev.rag.testsupport;

import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Where the real Kafka and Qdrant of tests come from: the in-JVM broker and the pinned Qdrant
 * binary as a child process ({@code processes}, the default), or containers of the project's local
 * images started through Testcontainers ({@code containers}). Chosen with the system property
 * {@value #PROPERTY} or the environment variable {@code RAG_TEST_INFRA}: {@code ./mvnw verify
 * -Dtest-infra=containers}.
 *
 * <p>The images are {@code rag/kafka:local} and {@code rag/qdrant:local} ({@code
 * k8s/images/build.sh local}, or {@code ./mvnw -Pimages package}); {@code test-infra.kafka-image}
 * and {@code test-infra.qdrant-image} name others. Containers share the host's network and listen
 * on 127.0.0.1 on free ports, as the processes do, and run as the test's own user so that their
 * data folders are the test's to delete. No registry is needed: nothing is pulled, and what of
 * Testcontainers would pull an image of its own is off ({@code TESTCONTAINERS_RYUK_DISABLED} and
 * {@code TESTCONTAINERS_CHECKS_DISABLE}, set by the build), so each container is stopped by the
 * test that started it, or when the JVM exits.
 */
public final class TestInfra {

  /**
   * The system property that chooses: {@code processes} or {@code containers}. (Not under {@code
   * rag.}: the applications refuse names there that they do not know, and Maven hands {@code -D}
   * properties to the test JVMs.)
   */
  public static final String PROPERTY = "test-infra";

  /** Kafka's local image. */
  public static final String KAFKA_IMAGE =
      System.getProperty("test-infra.kafka-image", "rag/kafka:local");

  /** Qdrant's local image. */
  public static final String QDRANT_IMAGE =
      System.getProperty("test-infra.qdrant-image", "rag/qdrant:local");

  private static final String IMAGE_LABEL = "dev.rag.test-image";

  private TestInfra() {}

  /** Whether the shared Kafka and Qdrant of tests are containers. */
  public static boolean containers() {
    String chosen = System.getProperty(PROPERTY, System.getenv("RAG_TEST_INFRA"));
    if (chosen == null || chosen.isBlank()) {
      return false;
    }
    return switch (chosen.strip().toLowerCase(Locale.ROOT)) {
      case "containers" -> true;
      case "processes" -> false;
      default ->
          throw new IllegalArgumentException(
              PROPERTY + " is processes or containers, not " + chosen);
    };
  }

  /**
   * A Kafka broker container (one KRaft node) on {@code port} and {@code controllerPort}, its log
   * in {@code dataDir}, not started.
   */
  public static GenericContainer<?> kafka(
      int port, int controllerPort, int defaultPartitions, Path dataDir) {
    return container(KAFKA_IMAGE, dataDir, "/var/lib/kafka")
        .withEnv(
            Map.of(
                "KAFKA_PORT", Integer.toString(port),
                "KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort),
                "KAFKA_PARTITIONS", Integer.toString(defaultPartitions),
                "KAFKA_CFG_OFFSETS_TOPIC_NUM_PARTITIONS", "4",
                "KAFKA_CFG_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "4",
                "KAFKA_CFG_LOG_FLUSH_INTERVAL_MESSAGES", "1",
                "KAFKA_HEAP", "384m"));
  }

  /** A Qdrant container on {@code http} and {@code grpc}, its storage in {@code dataDir}. */
  public static GenericContainer<?> qdrant(int http, int grpc, Path dataDir) {
    return container(QDRANT_IMAGE, dataDir, "/qdrant")
        .withEnv(
            Map.of(
                "QDRANT__SERVICE__HTTP_PORT", Integer.toString(http),
                "QDRANT__SERVICE__GRPC_PORT", Integer.toString(grpc),
                "QDRANT__LOG_LEVEL", "WARN"));
  }

  /**
   * Starts {@code container}, with a message that says how to provide the engine or the image when
   * either is missing.
   */
  public static void start(GenericContainer<?> container) {
    // (the name as given: asking Testcontainers would resolve it, pulling what is missing)
    String image = container.getLabels().get(IMAGE_LABEL);
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      throw new IllegalStateException(
          PROPERTY
              + "=containers needs a Docker engine: install one (Debian: apt-get install"
              + " docker.io) and start it with host networking only: dockerd --bridge=none"
              + " --iptables=false --ip-forward=false &");
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(image).exec();
    } catch (NotFoundException e) {
      throw new IllegalStateException(
          "no image "
              + image
              + " in the local engine: build it with k8s/images/build.sh local (or ./mvnw"
              + " -Pimages package -DskipTests)",
          e);
    }
    container.start();
  }

  private static GenericContainer<?> container(String image, Path dataDir, String mountPath) {
    engineApiVersion();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new IllegalStateException("Could not create " + dataDir, e);
    }
    String user = user();
    if (user == null) {
      // Not knowing the test's uid, the folder is opened to the image's own user.
      try {
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxrwxrwx"));
      } catch (IOException e) {
        throw new IllegalStateException("Could not open " + dataDir, e);
      }
    }
    @SuppressWarnings("resource")
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(image))
            .withLabel(IMAGE_LABEL, image)
            .withNetworkMode("host")
            .withFileSystemBind(dataDir.toString(), mountPath, BindMode.READ_WRITE)
            .withTmpFs(Map.of("/tmp", "rw,exec,nosuid,nodev,mode=1777"))
            .withCreateContainerCmdModifier(
                cmd -> {
                  cmd.getHostConfig().withReadonlyRootfs(true);
                  if (user != null) {
                    cmd.withUser(user);
                  }
                });
    return container;
  }

  /** This JVM's uid:gid, or null where it cannot be told. */
  private static String user() {
    try {
      return Files.getAttribute(Path.of("/proc/self"), "unix:uid")
          + ":"
          + Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Tells Testcontainers the engine's API version when nothing else does: left unknown, it asks for
   * 1.44, which engines older than Docker 25 (Debian 12's is 20.10, API 1.41) refuse.
   */
  private static synchronized void engineApiVersion() {
    if (System.getProperty("api.version") != null || System.getenv("DOCKER_API_VERSION") != null) {
      return;
    }
    try {
      Process docker =
          new ProcessBuilder("docker", "version", "--format", "{{.Server.APIVersion}}")
              .redirectErrorStream(true)
              .start();
      String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (docker.waitFor(30, TimeUnit.SECONDS)
          && docker.exitValue() == 0
          && out.strip().matches("1\\.[0-9]+")) {
        System.setProperty("api.version", out.strip());
      }
    } catch (IOException e) {
      // No docker CLI: Testcontainers negotiates on its own.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
