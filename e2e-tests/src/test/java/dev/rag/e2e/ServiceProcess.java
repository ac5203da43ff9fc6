package dev.rag.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One packaged service run as its own JVM process, as in production. */
final class ServiceProcess implements AutoCloseable {

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;
  private Runnable restart = () -> {};
  private ServiceProcess successor;

  private ServiceProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Kills the process with SIGKILL (no shutdown hooks, nothing flushed), then starts the same
   * service again on the same port with the same configuration; returns the new process.
   */
  ServiceProcess killAndRestart() {
    try {
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    restart.run();
    return successor;
  }

  String name() {
    return name;
  }

  /**
   * Starts {@code <root>/<name>/target/quarkus-app/quarkus-run.jar} with the given configuration as
   * system properties; output goes to {@code e2e-tests/target/e2e-logs/<name>.log}.
   */
  static ServiceProcess start(Path root, String name, int port, Map<String, String> config) {
    return start(root, name, name, port, config);
  }

  /** Like {@link #start(Path, String, int, Map)}, logging to {@code <logName>.log}. */
  static ServiceProcess start(
      Path root, String name, String logName, int port, Map<String, String> config) {
    try {
      Files.deleteIfExists(root.resolve("e2e-tests/target/e2e-logs").resolve(logName + ".log"));
      // A fresh start reads its broker afresh; a restart (launch) keeps what it read, as a
      // container restarted in its pod does.
      Path state = stateDir(root, logName);
      if (Files.exists(state)) {
        try (var files = Files.walk(state)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return launch(root, name, logName, port, config);
  }

  /** Where an ingest-service process keeps its status table. */
  private static Path stateDir(Path root, String logName) {
    return root.resolve("e2e-tests/target/e2e-state").resolve(logName + "-status");
  }

  /** Starts the process, appending to its log (a restart keeps what the killed one wrote). */
  private static ServiceProcess launch(
      Path root, String name, String logName, int port, Map<String, String> config) {
    Path jar = root.resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: package the services first (./mvnw verify builds them before this test)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    // An out-of-memory error ends the process (as a container's would be restarted), and every
    // collection is logged, so a test can tell the heap's peak.
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add(
        "-Xlog:gc:file=" + root.resolve("e2e-tests/target/e2e-logs").resolve(logName + "-gc.log"));
    command.add("-Dquarkus.http.port=" + port);
    if (name.equals("ingest-service")) {
      command.add("-Dingest.status-store.state-dir=" + stateDir(root, logName));
    }
    config.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(jar.toString());
    try {
      Path logs = root.resolve("e2e-tests/target/e2e-logs");
      Files.createDirectories(logs);
      Path log = logs.resolve(logName + ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      ServiceProcess started = new ServiceProcess(name, port, process, log);
      started.restart = () -> started.successor = launch(root, name, logName, port, config);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  int port() {
    return port;
  }

  /** The process id of the service (or, after a restart, of its successor). */
  long pid() {
    return successor != null ? successor.pid() : process.pid();
  }

  /** Whether the process (or, after a restart, its successor) is running. */
  boolean isAlive() {
    return successor != null ? successor.isAlive() : process.isAlive();
  }

  /** Where the heap's peak is counted from: the collections logged so far. */
  int gcMark() {
    return gcLines().size();
  }

  /**
   * The most heap in use, in MiB, at any collection logged after {@code mark} (what was in use when
   * the collection began), or 0 when none was.
   */
  long peakHeapMiBSince(int mark) {
    List<String> lines = gcLines();
    long peak = 0;
    for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
      Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, Long.parseLong(m.group(1)));
      }
    }
    return peak;
  }

  private static final Pattern GC_LINE = Pattern.compile(" (\\d+)M->\\d+M\\(");

  private List<String> gcLines() {
    Path gc = log.resolveSibling(log.getFileName().toString().replace(".log", "-gc.log"));
    try {
      return Files.exists(gc) ? Files.readAllLines(gc) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Waits until the service reports ready, failing early if the process exits. */
  void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
            .timeout(Duration.ofSeconds(3))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited during startup:\n" + tail());
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(250);
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + tail());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
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
