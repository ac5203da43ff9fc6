package dev.rag.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the scale benchmark reads beside the services: Qdrant over its REST API (point counts, the
 * collection's state, dense searches both approximate and exact), and the memory of the running
 * processes ({@code /proc}, and retrieve-service's heap from its metrics).
 */
final class ScaleProbe {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String qdrant;
  private final Optional<String> qdrantKey;
  private final String collection;
  private final String vector;

  ScaleProbe(String qdrantUrl, Optional<String> qdrantKey, String collection, String vector) {
    this.qdrant = qdrantUrl.replaceAll("/+$", "");
    this.qdrantKey = qdrantKey;
    this.collection = collection;
    this.vector = vector;
  }

  /** The dense vector's name. */
  String vector() {
    return vector;
  }

  private JsonNode call(String method, String path, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(qdrant + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json");
    qdrantKey.ifPresent(k -> request.header("api-key", k));
    try {
      request.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      HttpResponse<String> response;
      try {
        response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException closed) {
        // A pooled connection Qdrant closed while it was idle fails before any byte comes back;
        // every call here (reads, and deleting a tenant) is safe to send again, once.
        response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      }
      if (response.statusCode() == 404) {
        return null;
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "Qdrant answered " + response.statusCode() + " to " + path + ": " + response.body());
      }
      return JSON.readTree(response.body()).path("result");
    } catch (IOException e) {
      throw new UncheckedIOException("Qdrant at " + qdrant + " did not answer " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> tenant(String tenant) {
    return Map.of("must", List.of(Map.of("key", "tenant", "match", Map.of("value", tenant))));
  }

  /** Points of the tenant in the collection (0 before it exists). */
  long count(String tenant) {
    JsonNode r =
        call(
            "POST",
            "/collections/" + collection + "/points/count",
            Map.of("filter", tenant(tenant), "exact", true));
    return r == null ? 0 : r.path("count").asLong();
  }

  /** The collection's status (green once its optimizers have finished) and its point count. */
  JsonNode info() {
    return call("GET", "/collections/" + collection, null);
  }

  /** Deletes every point of the tenant. */
  void deleteTenant(String tenant) {
    if (info() != null) {
      call(
          "POST",
          "/collections/" + collection + "/points/delete?wait=true",
          Map.of("filter", tenant(tenant)));
    }
  }

  /**
   * The ids of the tenant's {@code k} nearest points to {@code query}, by the index as configured
   * (its quantization and search parameters as retrieve-service sends them: {@code params}) or by
   * exact search over the originals.
   */
  List<String> nearest(String tenant, float[] query, int k, Map<String, Object> params) {
    JsonNode r =
        call(
            "POST",
            "/collections/" + collection + "/points/query",
            Map.of(
                "query",
                query,
                "using",
                vector,
                "filter",
                tenant(tenant),
                "limit",
                k,
                "params",
                params,
                "with_payload",
                false));
    List<String> ids = new ArrayList<>();
    for (JsonNode p : r.path("points")) {
      ids.add(p.path("id").asText());
    }
    return ids;
  }

  /**
   * A memory figure of a process started by {@code ./rag} (its pid file) from {@code
   * /proc/<pid>/status}, in bytes: {@code VmRSS} (all resident), {@code RssAnon} (its own memory)
   * or {@code RssFile} (pages of mapped files, which the kernel may drop); -1 if unknown.
   */
  static long rss(Path pidFile, String field) {
    try {
      String pid = Files.readString(pidFile).strip();
      try (Stream<String> lines = Files.lines(Path.of("/proc", pid, "status"))) {
        return lines
            .filter(l -> l.startsWith(field + ":"))
            .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
            .findFirst()
            .orElse(-1);
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The processes whose CPU time the benchmark accounts for: their pid files under pids/. */
  static final List<String> PROCESSES =
      List.of("qdrant", "retrieve", "kafka", "embed", "ingest", "generate");

  /**
   * CPU seconds (user and system) used so far by each of {@link #PROCESSES} and by this process,
   * from /proc/PID/stat in clock ticks of 1/100 s (Linux's USER_HZ); a process not running is left
   * out.
   */
  static Map<String, Double> cpuSeconds(Path pids) {
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (String name : PROCESSES) {
      try {
        String pid = Files.readString(pids.resolve(name + ".pid")).strip();
        seconds.put(name, ticks(pid) / 100.0);
      } catch (IOException | RuntimeException e) {
        // Not started by ./rag here.
      }
    }
    try {
      seconds.put("bench", ticks(String.valueOf(ProcessHandle.current().pid())) / 100.0);
    } catch (IOException | RuntimeException e) {
      // No /proc.
    }
    return seconds;
  }

  /** What each process used between two readings of {@link #cpuSeconds}. */
  static Map<String, Double> cpuBetween(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> used = new LinkedHashMap<>();
    after.forEach(
        (name, s) -> {
          if (before.containsKey(name)) {
            used.put(name, Math.round((s - before.get(name)) * 100) / 100.0);
          }
        });
    return used;
  }

  /** utime + stime of a process: fields 14 and 15 of its stat, after the command in parentheses. */
  private static long ticks(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is the state (field 3), so field n is fields[n - 3].
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** Bytes under a directory (Qdrant's storage). */
  static long diskUsage(Path dir) {
    if (!Files.isDirectory(dir)) {
      return -1;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              f -> {
                try {
                  return Files.size(f);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  /**
   * Heap in use right after a full collection of a JVM started by {@code ./rag} (its pid file), in
   * bytes, as the JDK's {@code jcmd} reports it (GC.run, then GC.heap_info); -1 if unknown.
   */
  static long heapAfterGc(Path pidFile) {
    try {
      String pid = Files.readString(pidFile).strip();
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      if (!Files.isExecutable(jcmd)) {
        return -1;
      }
      run(jcmd.toString(), pid, "GC.run");
      long used = 0;
      boolean found = false;
      for (String line : run(jcmd.toString(), pid, "GC.heap_info")) {
        String l = line.strip();
        // Generations or regions of the heap: "<name> total 123K, used 45K [...]".
        if (l.contains(" total ")
            && l.contains(" used ")
            && !l.startsWith("Metaspace")
            && !l.startsWith("class space")) {
          Matcher m = USED.matcher(l);
          if (m.find()) {
            used += Long.parseLong(m.group(1)) * 1024;
            found = true;
          }
        }
      }
      return found ? used : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private static List<String> run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    List<String> lines;
    try (var in = p.inputReader()) {
      lines = in.lines().toList();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return lines;
  }
}
