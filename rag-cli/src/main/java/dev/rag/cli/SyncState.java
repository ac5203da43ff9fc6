package dev.rag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code sync} last sent of a folder, kept in one JSON file so it survives restarts: per file
 * (by path relative to the folder) its size, modification time and SHA-256, and the documents
 * ingest-service made of it. Written whole to a temporary file and moved into place, so a crash
 * leaves the previous state or the new one.
 *
 * @param dir the folder, absolute
 * @param source the source it is kept equal to
 * @param files by relative path
 */
record SyncState(String dir, String source, Map<String, FileState> files) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One file as last sent.
   *
   * @param documents the ids ingest-service made of it (none when it refused the file)
   * @param refused why it was refused, or null
   */
  record FileState(
      long size, long modifiedMillis, String sha256, List<String> documents, String refused) {}

  static SyncState empty(Path dir, String source) {
    return new SyncState(dir.toString(), source, new TreeMap<>());
  }

  /** The state in {@code file}, or an empty one for {@code dir} when there is none yet. */
  static SyncState load(Path file, Path dir, String source) throws IOException {
    if (!Files.exists(file)) {
      return empty(dir, source);
    }
    SyncState state = JSON.readValue(file.toFile(), SyncState.class);
    return new SyncState(state.dir(), state.source(), new TreeMap<>(state.files()));
  }

  void save(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Path next = file.resolveSibling(file.getFileName() + ".new");
    JSON.writerWithDefaultPrettyPrinter().writeValue(next.toFile(), this);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
