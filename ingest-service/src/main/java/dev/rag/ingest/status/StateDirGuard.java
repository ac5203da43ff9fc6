package dev.rag.ingest.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * Keeps a status table's state dir to one Kafka cluster. The table resumes from the offsets it
 * checkpointed there; read against another cluster's topic (a new local broker, a state dir shared
 * by mistake) they would skip records and keep statuses that cluster never had. The dir names its
 * cluster in a file of its own, and is emptied (not removed: it may be a mounted volume) when the
 * cluster differs.
 */
final class StateDirGuard {

  private static final Logger LOG = Logger.getLogger(StateDirGuard.class);

  private StateDirGuard() {}

  /** The file that names the cluster the state dir was built from. */
  static Path marker(Path stateDir) {
    return stateDir.resolve("kafka-cluster-id");
  }

  /** Makes {@code stateDir} hold only what was read from cluster {@code clusterId}. */
  static void claim(Path stateDir, String clusterId) {
    Path marker = marker(stateDir);
    try {
      String known =
          Files.isRegularFile(marker)
              ? Files.readString(marker, StandardCharsets.UTF_8).strip()
              : null;
      if (clusterId.equals(known)) {
        return;
      }
      if (Files.isDirectory(stateDir)) {
        try (Stream<Path> children = Files.list(stateDir)) {
          List<Path> all = children.toList();
          if (!all.isEmpty()) {
            LOG.infof(
                "Status state dir %s was built from %s, not from Kafka cluster %s: rebuilding it",
                stateDir, known == null ? "an unknown cluster" : "cluster " + known, clusterId);
          }
          for (Path child : all) {
            Utils.delete(child.toFile());
          }
        }
      }
      Files.createDirectories(stateDir);
      Files.writeString(marker, clusterId, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the status state dir " + stateDir, e);
    }
  }
}
