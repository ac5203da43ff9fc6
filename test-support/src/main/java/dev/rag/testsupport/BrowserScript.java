package dev.rag.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a Node.js script that drives a page in Debian's Chromium, headless, through playwright-core
 * (installed from npm into the cache on first use): the way the page tests see a page as a person
 * does. Fails, saying how to install them, when Chromium, Node.js or npm are missing; fails when
 * the script fails, runs past its limit, or leaves a browser process behind.
 */
public final class BrowserScript {

  /** Bundles Chromium 156, the version Debian 12 ships, so its protocol matches the browser's. */
  public static final String PLAYWRIGHT_CORE_VERSION = "1.64.1";

  private BrowserScript() {}

  /** Chromium's binary ({@code CHROMIUM}, else Debian's). */
  public static Path chromium() {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      throw new AssertionError(
          "The page tests need Chromium at "
              + chromium
              + ": apt-get install chromium (or set CHROMIUM to a Chromium binary)");
    }
    return chromium;
  }

  /** Where playwright-core is installed (its {@code package.json} is there), installing it. */
  public static Path playwright() {
    Path prefix =
        QdrantServer.cacheDir().resolve("playwright-core").resolve(PLAYWRIGHT_CORE_VERSION);
    NpmPackages.install(
        prefix,
        "playwright-core",
        PLAYWRIGHT_CORE_VERSION,
        prefix.resolve("node_modules/playwright-core/package.json"),
        "The page tests need Node.js and npm: apt-get install nodejs npm");
    return prefix;
  }

  /**
   * Runs {@code node script args...} and waits for it; Chromium's profile and crash reports go
   * under a temporary directory of its own, not the user's home, and are removed after.
   *
   * @return what the script printed
   */
  public static String run(Path script, Duration limit, String... args) {
    Path tmp;
    try {
      tmp = Files.createTempDirectory("page-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path output = tmp.resolve("output.txt");
    List<String> command = new ArrayList<>(List.of("node", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("TMPDIR", tmp.toString());
    builder.environment().put("XDG_CONFIG_HOME", tmp.toString());
    try {
      Process node;
      try {
        node = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "The page tests need Node.js: apt-get install nodejs npm", e);
      }
      boolean finished = node.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      List<ProcessHandle> leftovers = browserProcessesUnder(tmp);
      leftovers.forEach(ProcessHandle::destroyForcibly);
      String log = Files.readString(output, StandardCharsets.UTF_8);
      String name = script.getFileName().toString();
      if (!finished) {
        throw new AssertionError(name + " ran past " + limit + ":\n" + log);
      }
      if (node.exitValue() != 0) {
        throw new AssertionError(name + " failed (exit " + node.exitValue() + "):\n" + log);
      }
      if (!leftovers.isEmpty()) {
        throw new AssertionError("Chromium was still running after " + name + ":\n" + log);
      }
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the page test ran", e);
    } finally {
      deleteTree(tmp);
    }
  }

  /** Chromium processes whose profile lies under {@code dir}, after giving them time to exit. */
  private static List<ProcessHandle> browserProcessesUnder(Path dir) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<ProcessHandle> found;
    do {
      found =
          ProcessHandle.allProcesses()
              .filter(ProcessHandle::isAlive)
              .filter(
                  p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
              .toList();
      if (found.isEmpty()) {
        return found;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return found;
  }

  /** Removes a directory and everything in it, when it exists. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
