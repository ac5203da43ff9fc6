package dev.rag.cli.key;

import dev.rag.common.auth.ApiKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The API keys of a system {@code ./rag up} runs, in its auth folder ({@code $RAG_HOME/auth}); only
 * their SHA-256 digests go to the services:
 *
 * <ul>
 *   <li>{@code api-key}: yours (tenant {@code default}, admin and operator), its line in {@code
 *       keys}, the file of people's keys every service reads;
 *   <li>each calling service's own key, {@code <caller>.key}, scoped to what its calls need ({@code
 *       service,query}) and accepted only where they go: its line is in {@code <callee>.accepts},
 *       read by that service only. generate calls retrieve, ingest for document statuses and embed
 *       for its answers' sentences; retrieve and ingest call embed (queries, and which model is
 *       live for replays); embed calls no one and gets no key.
 * </ul>
 *
 * What exists is kept; what is missing is written, readable by this user only. Folders made by
 * older versions are brought up to date (one all-powerful {@code service-key}; a local-admin key
 * without the operator role).
 */
final class LocalKeys {

  /** A service calling another, with its own key. */
  record Call(String caller, String callee) {}

  /** Who calls whom in the local system. */
  static final List<Call> CALLS =
      List.of(
          new Call("generate", "retrieve"),
          new Call("generate", "ingest"),
          new Call("generate", "embed"),
          new Call("retrieve", "embed"),
          new Call("ingest", "embed"));

  private static final String USER_ID = "local-admin";
  private static final Pattern OLD_SERVICE_LINE =
      Pattern.compile("services [0-9a-f]{64} \\S* service");
  private static final Pattern ADMIN_WITHOUT_OPERATOR =
      Pattern.compile("^(local-admin [0-9a-f]* default) admin$");

  private final Path dir;
  private final PrintStream out;

  LocalKeys(Path dir, PrintStream out) {
    this.dir = dir;
    this.out = out;
  }

  /** Writes every key of the layout that is missing. */
  void ensure() throws IOException {
    Files.createDirectories(dir);
    restrict(dir, "rwx------");
    Path keys = dir.resolve("keys");
    Path apiKey = dir.resolve("api-key");
    if (!Files.exists(keys) || !Files.exists(apiKey)) {
      String user = ApiKeys.newKey();
      write(apiKey, List.of(user));
      write(
          keys,
          List.of(
              "# <id> <sha256 of the key> <tenant> <roles>; add lines for more people or tenants",
              ApiKeys.entry(USER_ID, user, "default", "admin,operator")));
      out.println("Generated an API key for you: " + apiKey);
    }
    Path oldServiceKey = dir.resolve("service-key");
    if (Files.exists(oldServiceKey)) {
      List<String> lines = new ArrayList<>(read(keys));
      lines.removeIf(l -> OLD_SERVICE_LINE.matcher(l).matches());
      write(keys, lines);
      Files.delete(oldServiceKey);
    }
    List<String> lines = read(keys);
    List<String> updated =
        lines.stream()
            .map(l -> ADMIN_WITHOUT_OPERATOR.matcher(l).replaceFirst("$1 admin,operator"))
            .toList();
    if (!updated.equals(lines)) {
      write(keys, updated);
    }
    for (Call call : CALLS) {
      ensureServiceKey(call);
    }
  }

  /** A service's own key, and the line of it that the service it calls accepts. */
  private void ensureServiceKey(Call call) throws IOException {
    Path keyFile = dir.resolve(call.caller() + ".key");
    if (!Files.exists(keyFile)) {
      write(keyFile, List.of(ApiKeys.newKey()));
    }
    String key = Files.readString(keyFile, StandardCharsets.UTF_8).replace("\n", "");
    String id = call.caller() + "-service";
    String entry = ApiKeys.entry(id, key, "default", "service,query");
    Path accepts = dir.resolve(call.callee() + ".accepts");
    List<String> lines = Files.exists(accepts) ? read(accepts) : List.of();
    if (lines.stream().anyMatch(l -> l.startsWith(id + " " + ApiKeys.digest(key) + " "))) {
      return;
    }
    // A service may be called by several: each caller's line once.
    List<String> kept = new ArrayList<>(lines);
    kept.removeIf(l -> l.startsWith(id + " "));
    kept.add(entry);
    write(accepts, kept);
  }

  private static List<String> read(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  private static void write(Path file, List<String> lines) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(next);
    Files.createFile(next);
    restrict(next, "rw-------");
    Files.write(next, lines, StandardCharsets.UTF_8);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void restrict(Path path, String permissions) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }
  }
}
