package dev.rag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.cli.config.CliConfig;
import dev.rag.pipeline.KafkaClients;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./rag sync DIR}: keeps a source equal to a folder. New and changed files are uploaded (a
 * changed file replaces its old version), files gone from the folder are deleted from the index
 * with every document they made, and unchanged files cost nothing: their size and modification
 * time, else their SHA-256, match what was last sent. What was sent is kept in {@code
 * $RAG_HOME/sync/<source>.json}, so a restart carries on where the last run left off. With {@code
 * --watch} it stays running and syncs again on every change in the folder (and every {@code
 * --interval} seconds regardless).
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description =
        "Keep a source equal to a folder: upload new and changed files, delete removed ones.")
public class SyncCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "the folder")
  Path dir;

  @Option(names = "--source", description = "source (default: rag.source, RAG_SOURCE, else docs)")
  String source;

  @Option(names = "--watch", description = "keep running and sync again on every change")
  boolean watch;

  @Option(
      names = "--interval",
      defaultValue = "60",
      description =
          "with --watch, sync at least this often, in seconds (default: ${DEFAULT-VALUE})")
  int intervalSeconds;

  @Option(names = "--no-wait", description = "do not wait for uploaded documents to be indexed")
  boolean noWait;

  @Option(
      names = "--timeout",
      defaultValue = "300",
      description = "give up waiting for indexing after this many seconds without progress")
  int stallSeconds;

  @Option(names = "--state", description = "the state file (default: $RAG_HOME/sync/SOURCE.json)")
  Path stateFile;

  @Option(
      names = "--ingest-url",
      description = "ingest-service's base URL (default: rag.ingest-url)")
  String ingestUrl;

  @Inject CliConfig config;

  @Inject ApiKey apiKey;

  @Inject KafkaClients kafka;

  /** Files sent (or removed) between two saves of the state. */
  private static final int SAVE_EVERY = 20;

  /** What one pass did. */
  record Pass(int added, int changed, int removed, int unchanged, Map<String, String> failures) {}

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(dir)) {
      System.err.println("rag: not a folder: " + dir);
      return 2;
    }
    Path folder = dir.toAbsolutePath().normalize();
    String sourceName = source != null ? source : config.source();
    Path state =
        stateFile != null ? stateFile : Path.of(config.home(), "sync", sourceName + ".json");
    SyncState known = SyncState.load(state, folder, sourceName);
    if (!known.dir().equals(folder.toString())) {
      System.err.printf(
          "rag: source '%s' is kept equal to %s, not %s; sync this folder under another --source"
              + " (or remove %s to start over)%n",
          sourceName, known.dir(), folder, state);
      return 2;
    }
    IngestClient client =
        new IngestClient(ingestUrl != null ? ingestUrl : config.ingestUrl(), apiKey, kafka);
    Pass pass = pass(client, folder, sourceName, known, state);
    if (!watch) {
      return pass.failures().isEmpty() ? 0 : 1;
    }
    try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
      Set<Path> watched = new TreeSet<>();
      register(watcher, folder, watched);
      System.err.printf("Watching %s (Ctrl-C stops)%n", folder);
      while (true) {
        WatchKey key = watcher.poll(intervalSeconds, TimeUnit.SECONDS);
        if (key != null) {
          // Let a burst of changes (an editor's save, a copy of many files) settle first.
          do {
            key.pollEvents();
            key.reset();
          } while ((key = watcher.poll(1, TimeUnit.SECONDS)) != null);
        }
        register(watcher, folder, watched);
        known = SyncState.load(state, folder, sourceName);
        pass(client, folder, sourceName, known, state);
      }
    }
  }

  /** One sync of the folder against what was last sent; saves the new state. */
  private Pass pass(
      IngestClient client, Path folder, String sourceName, SyncState known, Path state)
      throws Exception {
    Map<String, Path> present = new LinkedHashMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> !hidden(folder.relativize(p)))
          .sorted()
          .forEach(p -> present.put(folder.relativize(p).toString().replace('\\', '/'), p));
    }
    Map<String, SyncState.FileState> files = known.files();
    List<IngestClient.Doc> uploaded = new ArrayList<>();
    Map<String, String> failures = new LinkedHashMap<>();
    int added = 0;
    int changed = 0;
    int unchanged = 0;
    // Saved every few files, not after each: a crash loses at most that many records, which the
    // next pass sends again (uploads and deletions are idempotent).
    int unsaved = 0;
    for (var entry : present.entrySet()) {
      String name = entry.getKey();
      Path file = entry.getValue();
      long size = Files.size(file);
      long modified = Files.getLastModifiedTime(file).toMillis();
      SyncState.FileState before = files.get(name);
      if (before != null && before.size() == size && before.modifiedMillis() == modified) {
        unchanged++;
        continue;
      }
      String sha = sha256(file);
      if (before != null && before.sha256().equals(sha)) {
        // Touched, not changed.
        files.put(
            name,
            new SyncState.FileState(size, modified, sha, before.documents(), before.refused()));
        unchanged++;
        continue;
      }
      List<IngestClient.Doc> made = new ArrayList<>();
      Map<String, String> refused = new LinkedHashMap<>();
      boolean accepted = client.upload(sourceName, file, name, made, refused);
      if (!accepted && refused.isEmpty()) {
        refused.put(name, "refused");
      }
      List<String> ids = made.stream().map(IngestClient.Doc::id).toList();
      if (before != null) {
        // Documents the file no longer makes (fewer records, or it is refused now) go.
        for (String old : before.documents()) {
          if (!ids.contains(old)) {
            client.delete(sourceName, old);
          }
        }
        changed++;
      } else {
        added++;
      }
      uploaded.addAll(made);
      failures.putAll(refused);
      files.put(
          name,
          new SyncState.FileState(
              size, modified, sha, ids, accepted ? null : refused.values().iterator().next()));
      if (++unsaved >= SAVE_EVERY) {
        known.save(state);
        unsaved = 0;
      }
    }
    int removed = 0;
    // A document a present file still makes (a.md renamed a.txt keeps the id "a") stays.
    Set<String> kept = new TreeSet<>();
    files.forEach(
        (name, f) -> {
          if (present.containsKey(name)) {
            kept.addAll(f.documents());
          }
        });
    for (String name : List.copyOf(files.keySet())) {
      if (!present.containsKey(name)) {
        for (String id : files.get(name).documents()) {
          if (!kept.contains(id)) {
            client.delete(sourceName, id);
          }
        }
        files.remove(name);
        removed++;
        if (++unsaved >= SAVE_EVERY) {
          known.save(state);
          unsaved = 0;
        }
      }
    }
    known.save(state);
    System.err.printf(
        "Synced %s to source %s: %d new, %d changed, %d removed, %d unchanged%n",
        folder, sourceName, added, changed, removed, unchanged);
    if (!noWait && !uploaded.isEmpty()) {
      Map<String, JsonNode> last = client.waitForIndexing(uploaded, stallSeconds);
      for (IngestClient.Doc d : uploaded) {
        JsonNode s = last.get(d.source() + "/" + d.id());
        String stateName = s == null ? "unknown" : s.path("state").asText();
        if (!stateName.equals("indexed")) {
          failures.put(
              d.file(),
              stateName.equals("failed") ? s.path("reason").asText() : "still " + stateName);
        }
      }
    }
    IngestCommand.printFailures(failures);
    return new Pass(added, changed, removed, unchanged, failures);
  }

  /** A dotfile, or anything in a dot folder (as {@code ingest} skips them). */
  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static void register(WatchService watcher, Path folder, Set<Path> watched)
      throws IOException {
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path d : walk.filter(Files::isDirectory).toList()) {
        if (!hidden(folder.relativize(d)) && watched.add(d)) {
          d.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_DELETE,
              StandardWatchEventKinds.ENTRY_MODIFY);
        }
      }
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[65536];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
