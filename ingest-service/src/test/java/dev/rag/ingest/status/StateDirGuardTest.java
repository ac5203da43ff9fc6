package dev.rag.ingest.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirGuardTest {

  @TempDir Path tmp;

  @Test
  void aStateDirIsKeptForItsClusterAndEmptiedForAnother() throws Exception {
    Path state = tmp.resolve("status");
    StateDirGuard.claim(state, "cluster-a");
    Files.createDirectories(state.resolve("ingest-status-store"));
    Path checkpoint = Files.writeString(state.resolve("ingest-status-store/.checkpoint"), "7");

    StateDirGuard.claim(state, "cluster-a");
    assertThat(checkpoint).exists();

    StateDirGuard.claim(state, "cluster-b");
    assertThat(checkpoint).doesNotExist();
    assertThat(StateDirGuard.marker(state)).hasContent("cluster-b");
  }

  @Test
  void aStateDirOfUnknownOriginIsRebuilt() throws Exception {
    Path state = tmp.resolve("status");
    Files.createDirectories(state);
    Path stale = Files.writeString(state.resolve("stale"), "x");

    StateDirGuard.claim(state, "cluster-a");

    assertThat(stale).doesNotExist();
    assertThat(state).isDirectory();
  }
}
