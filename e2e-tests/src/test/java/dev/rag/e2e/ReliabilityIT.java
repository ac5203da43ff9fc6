package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import dev.rag.testsupport.TopicReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reliability suite ({@code ./mvnw -Preliability verify -pl e2e-tests -am}): the packaged
 * services as processes on 127.0.0.1, a real broker and a real Qdrant, and faults injected while
 * documents flow. Each fault scenario uploads 500 documents (one chunk each) to a source of its own
 * and requires, once the system has recovered, exactly 500 points there, one per document: nothing
 * lost, nothing duplicated. Figures go to {@code target/reliability-report.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private static final int DOCUMENTS = 500;
  private static final Duration RECOVERY = Duration.ofSeconds(240);
  private static final String COLLECTION_PREFIX = "rag_rel_" + System.nanoTime();
  private static final String COLLECTION = COLLECTION_PREFIX + "__bge_small_en_v1_5_int8";

  private static final String ADMIN = ApiKeys.newKey();
  private static final String SERVICES = ApiKeys.newKey();
  private static final List<String> USERS = new ArrayList<>();

  private static Path root;
  private static KafkaBroker kafka;
  private static QdrantServer qdrant;
  private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
  private static final List<String> report = Collections.synchronizedList(new ArrayList<>());
  private static final AtomicInteger rateLimited = new AtomicInteger();

  @BeforeAll
  static void startSystem() {
    root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    kafka = KafkaBroker.start(3);
    qdrant = QdrantServer.start();
    List<String> keys = new ArrayList<>();
    keys.add("admin " + ApiKeys.digest(ADMIN) + " default admin");
    keys.add("services " + ApiKeys.digest(SERVICES) + " default service,query");
    for (int i = 0; i < 16; i++) {
      String key = ApiKeys.newKey();
      USERS.add(key);
      keys.add("user" + i + " " + ApiKeys.digest(key) + " default query");
    }
    int embedPort = FreePorts.find();
    int retrievePort = FreePorts.find();
    Map<String, String> config =
        new LinkedHashMap<>(
            RagSystem.config(
                kafka, qdrant, COLLECTION_PREFIX, embedPort, retrievePort, keys, SERVICES));
    // Publishes outlast these while the broker is down: such a wait must be retried, never make a
    // dead letter.
    config.put("ingest.publish-timeout", "2s");
    config.put("embed.publish-timeout", "2s");
    services.putAll(RagSystem.start(root, config, embedPort, retrievePort));
  }

  @AfterAll
  static void stopSystem() throws IOException {
    services.values().forEach(ServiceProcess::close);
    if (qdrant != null) {
      qdrant.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    Path file = root.resolve("e2e-tests/target/reliability-report.txt");
    Files.write(file, report);
    report.forEach(System.out::println);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static String url(String service, String path) {
    return "http://127.0.0.1:" + services.get(service).port() + path;
  }

  /**
   * Uploads documents {@code 0..count-1} of {@code source} with 4 clients; a client whose request
   * fails (service down, 5xx) retries the same document until it is accepted, as any careful client
   * would. Returns the number of failed attempts.
   */
  private static CompletableFuture<Integer> uploadInBackground(String source, int count) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                  uploadUntilAccepted(source, i, failures);
                }
              },
              pool));
    }
    return CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              pool.shutdown();
              return failures.get();
            });
  }

  private static void uploadUntilAccepted(String source, int i, AtomicInteger failures) {
    Map<String, Object> doc =
        Map.of(
            "id",
            "doc-" + i,
            "source",
            source,
            "title",
            "Observation " + i,
            "text",
            "Observation "
                + i
                + " of the "
                + source
                + " series recorded a reading of "
                + (i * 7 % 101)
                + " units at station "
                + (i % 13)
                + ".");
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            JsonHttp.send(ADMIN, "POST", url("ingest", "/v1/documents"), doc);
        int status = response.statusCode();
        if (status == 202 || status == 200) {
          return;
        }
        if (status == 429) {
          // Over the key's rate: wait as told; not a failure of the system.
          rateLimited.incrementAndGet();
          sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
          continue;
        }
      } catch (IOException e) {
        // Refused or reset while the service is down: try again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      failures.incrementAndGet();
      sleep(500);
    }
    throw new IllegalStateException("doc-" + i + " of " + source + " was never accepted");
  }

  /** Points of the source, or -1 while Qdrant is down or the collection not made yet. */
  private static long points(String source) throws Exception {
    return JsonHttp.countPoints(
        qdrant.httpUrl(),
        COLLECTION,
        Map.of("must", List.of(Map.of("key", "source", "match", Map.of("value", source)))));
  }

  /** Document ids of the source's points, one entry per point. */
  private static List<String> pointDocuments(String source) throws Exception {
    List<String> ids = new ArrayList<>();
    Object offset = null;
    do {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("limit", 1000);
      body.put("with_payload", List.of("document_id"));
      body.put(
          "filter",
          Map.of("must", List.of(Map.of("key", "source", "match", Map.of("value", source)))));
      if (offset != null) {
        body.put("offset", offset);
      }
      JsonNode result =
          JSON.readTree(
                  HTTP.send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      qdrant.httpUrl()
                                          + "/collections/"
                                          + COLLECTION
                                          + "/points/scroll"))
                              .header("Content-Type", "application/json")
                              .POST(
                                  HttpRequest.BodyPublishers.ofString(
                                      JSON.writeValueAsString(body)))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .path("result");
      result.path("points").forEach(p -> ids.add(p.path("payload").path("document_id").asText()));
      offset = result.path("next_page_offset").isNull() ? null : result.path("next_page_offset");
    } while (offset != null);
    return ids;
  }

  private static void awaitTrue(Supplier<Boolean> condition, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.get()) {
          return;
        }
      } catch (RuntimeException e) {
        // Not yet.
      }
      sleep(250);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private static long pointsQuietly(String source) {
    try {
      return points(source);
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Runs a scenario: uploads {@link #DOCUMENTS} documents to {@code source}, injects {@code fault}
   * once indexing is under way, then requires every document indexed exactly once.
   */
  private static void survive(String source, String fault, Runnable inject) throws Exception {
    survive(source, fault, inject, null);
  }

  /**
   * @param notReadyService a service that must have reported not-ready while the fault lasted
   */
  private static void survive(String source, String fault, Runnable inject, String notReadyService)
      throws Exception {
    long start = System.nanoTime();
    rateLimited.set(0);
    CompletableFuture<Integer> upload = uploadInBackground(source, DOCUMENTS);
    awaitTrue(() -> pointsQuietly(source) >= 50, RECOVERY, "indexing to start in " + source);
    long injected = System.nanoTime();
    // Watch readiness while the fault lasts: a service whose dependency is gone should say so.
    Map<String, Boolean> notReady = new ConcurrentHashMap<>();
    AtomicBoolean watching = new AtomicBoolean(true);
    Thread watcher =
        new Thread(
            () -> {
              while (watching.get()) {
                for (var e : services.entrySet()) {
                  if (!ready(e.getValue())) {
                    notReady.put(e.getKey(), true);
                  }
                }
                sleep(500);
              }
            });
    watcher.setDaemon(true);
    watcher.start();
    inject.run();
    watching.set(false);
    watcher.join(5000);
    int failedAttempts = upload.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);
    try {
      awaitTrue(() -> pointsQuietly(source) >= DOCUMENTS, RECOVERY, DOCUMENTS + " points");
    } catch (AssertionError e) {
      throw new AssertionError(
          "only " + pointsQuietly(source) + " points in " + source + "; " + diagnose(source), e);
    }
    // Settled: nothing more arrives late.
    sleep(3000);
    List<String> documents = pointDocuments(source);
    Set<String> distinct = new HashSet<>(documents);
    report.add(
        String.format(
            Locale.ROOT,
            "%-34s documents %d, points %d, distinct documents %d, lost %d, duplicates %d,"
                + " not ready meanwhile: %s,"
                + " failed upload attempts retried %d (and %d told to slow down, 429), recovered"
                + " %.1f s after the fault (%.1f s in all)",
            fault,
            DOCUMENTS,
            documents.size(),
            distinct.size(),
            DOCUMENTS - distinct.size(),
            documents.size() - distinct.size(),
            notReady.isEmpty() ? "none" : String.join(" ", new TreeSet<>(notReady.keySet())),
            failedAttempts,
            rateLimited.get(),
            (System.nanoTime() - injected) / 1e9,
            (System.nanoTime() - start) / 1e9));
    assertThat(distinct).hasSize(DOCUMENTS);
    assertThat(documents).hasSize(DOCUMENTS);
    if (notReadyService != null) {
      assertThat(notReady).as("services not ready during the fault").containsKey(notReadyService);
      assertThat(ready(services.get(notReadyService)))
          .as(notReadyService + " ready again")
          .isTrue();
    }
  }

  /** Where the missing documents of a source are stuck: their states, counted, with examples. */
  private static String diagnose(String source) {
    try {
      Set<String> indexed = new HashSet<>(pointDocuments(source));
      Map<String, List<String>> byState = new TreeMap<>();
      for (int i = 0; i < DOCUMENTS; i++) {
        String id = "doc-" + i;
        if (indexed.contains(id)) {
          continue;
        }
        HttpResponse<String> r =
            JsonHttp.send(
                ADMIN, "GET", url("ingest", "/v1/documents/" + id + "?source=" + source), null);
        String state =
            r.statusCode() == 200
                ? JSON.readTree(r.body()).path("state").asText()
                    + " "
                    + JSON.readTree(r.body()).path("reason").asText("")
                : "HTTP " + r.statusCode();
        byState.computeIfAbsent(state, k -> new ArrayList<>()).add(id);
      }
      StringBuilder out = new StringBuilder("missing by state:");
      byState.forEach(
          (state, ids) ->
              out.append(" [")
                  .append(state)
                  .append(": ")
                  .append(ids.size())
                  .append(", e.g. ")
                  .append(ids.subList(0, Math.min(3, ids.size())))
                  .append(']'));
      return out.toString();
    } catch (Exception e) {
      return "(no diagnosis: " + e + ")";
    }
  }

  private static boolean ready(ServiceProcess service) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + service.port() + "/q/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
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

  private static void killAndRestart(String service) {
    ServiceProcess restarted = services.get(service).killAndRestart();
    services.put(service, restarted);
    restarted.awaitReady(Duration.ofSeconds(120));
  }

  // ---- scenarios -------------------------------------------------------------------------------

  @Test
  @Order(1)
  void ingestKilledMidIngest() throws Exception {
    survive("kill-ingest", "kill -9 ingest-service", () -> killAndRestart("ingest"));
  }

  @Test
  @Order(2)
  void embedKilledMidIngest() throws Exception {
    survive("kill-embed", "kill -9 embed-service", () -> killAndRestart("embed"));
  }

  @Test
  @Order(3)
  void retrieveKilledMidIngest() throws Exception {
    survive("kill-retrieve", "kill -9 retrieve-service", () -> killAndRestart("retrieve"));
  }

  @Test
  @Order(4)
  void qdrantDownFor20Seconds() throws Exception {
    survive(
        "qdrant-down",
        "Qdrant killed, back after 20 s",
        () -> qdrant.restart(Duration.ofSeconds(20)),
        "retrieve");
  }

  @Test
  @Order(5)
  void brokerRestartedMidIngest() throws Exception {
    long deadLetters = deadLetters();
    survive(
        "broker-restart",
        "Kafka broker restarted (down 10 s)",
        () -> kafka.restart(Duration.ofSeconds(10)));
    assertThat(deadLetters())
        .as("dead letters written while the broker was away")
        .isEqualTo(deadLetters);
  }

  /** Records on the three dead-letter topics. */
  private static long deadLetters() {
    long n = 0;
    for (String topic :
        List.of("rag.documents.v1.dlq", "rag.chunks.v1.dlq", "rag.embeddings.v1.dlq")) {
      n += TopicReader.endOffsetSum(kafka.bootstrapServers(), topic);
    }
    return n;
  }

  /** Bad records of every kind among good ones, produced straight to the documents topic. */
  @Test
  @Order(6)
  void poisonRecordsGoToTheDeadLetterTopicAndGoodOnesAreIndexed() throws Exception {
    String source = "poison";
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("invalid-json", "{\"id\": \"x\", \"text\": ".getBytes(StandardCharsets.UTF_8));
    bad.put(
        "missing-text",
        JSON.writeValueAsBytes(Map.of("id", "missing-text", "source", source, "title", "t")));
    bad.put(
        "wrong-type",
        JSON.writeValueAsBytes(Map.of("id", "wrong-type", "source", source, "text", List.of(1))));
    bad.put(
        "oversized",
        JSON.writeValueAsBytes(
            Map.of("id", "oversized", "source", source, "text", "word ".repeat(2_000_000))));
    byte[] utf8 =
        ("{\"id\": \"invalid-utf8\", \"source\": \"" + source + "\", \"text\": \"caf\u00e9 X\"}")
            .getBytes(StandardCharsets.UTF_8);
    utf8[utf8.length - 4] = (byte) 0xC3; // a lead byte followed by ' ': not UTF-8
    bad.put("invalid-utf8", utf8);
    bad.put("wrong-protobuf", new byte[] {0x0a, (byte) 0xff, 0x01, 0x02, 0x03});
    int good = 40;
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "max.request.size", Integer.toString(16 << 20),
                "compression.type", "zstd"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      int g = 0;
      for (var e : bad.entrySet()) {
        String contentType =
            e.getKey().equals("wrong-protobuf") ? "application/x-protobuf" : "application/json";
        send(producer, "default/" + source + "/" + e.getKey(), e.getValue(), contentType);
        for (int k = 0; k < good / bad.size() + 1 && g < good; k++, g++) {
          send(
              producer,
              "default/" + source + "/good-" + g,
              JSON.writeValueAsBytes(
                  Map.of(
                      "id",
                      "good-" + g,
                      "source",
                      source,
                      "title",
                      "Good " + g,
                      "text",
                      "A well-formed record number " + g + " about reef surveys.")),
              "application/json");
        }
      }
      producer.flush();
    }
    var dead =
        TopicReader.await(
            kafka.bootstrapServers(),
            "rag.documents.v1.dlq",
            r -> r.key() != null && r.key().startsWith("default/" + source + "/"),
            bad.size(),
            Duration.ofSeconds(120));
    Map<String, String> reasons = new LinkedHashMap<>();
    dead.forEach(
        r ->
            reasons.put(
                r.key().substring(r.key().lastIndexOf('/') + 1), TopicReader.deadLetterReason(r)));
    assertThat(reasons.keySet()).containsExactlyInAnyOrderElementsOf(bad.keySet());
    assertThat(reasons.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());
    assertThat(reasons.get("invalid-utf8")).startsWith("value is not valid UTF-8");
    assertThat(reasons.get("oversized")).contains("over the limit");
    awaitTrue(() -> pointsQuietly(source) >= good, RECOVERY, good + " good records indexed");
    sleep(2000);
    assertThat(points(source)).isEqualTo(good);
    reasons.forEach((k, v) -> report.add(String.format("poison %-15s -> DLQ: %s", k, v)));
    report.add("poison: " + bad.size() + " bad records in the DLQ, " + good + " good indexed");
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, String key, byte[] value, String contentType)
      throws Exception {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>("rag.documents.v1", key, value);
    record.headers().add("content-type", contentType.getBytes(StandardCharsets.UTF_8));
    producer.send(record).get(30, TimeUnit.SECONDS);
  }

  /** 16 chat clients, each with its own key, for 60 s while documents are being ingested. */
  @Test
  @Order(7)
  void sixteenChatClientsForAMinuteWhileIngesting() throws Exception {
    CompletableFuture<Integer> upload = uploadInBackground("under-load", 200);
    List<String> questions =
        List.of(
            "What reading did observation 12 record?",
            "Which station recorded 40 units?",
            "What do the reef surveys say?",
            "Observation 7 of the kill-embed series");
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger errors = new AtomicInteger();
    List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> clients = new ArrayList<>();
    for (int c = 0; c < 16; c++) {
      String key = USERS.get(c);
      int client = c;
      clients.add(
          pool.submit(
              () -> {
                int n = 0;
                while (System.nanoTime() < end) {
                  String q = questions.get((client + n++) % questions.size());
                  long t = System.nanoTime();
                  try {
                    HttpResponse<String> r =
                        JsonHttp.send(
                            key,
                            "POST",
                            url("generate", "/v1/chat/completions"),
                            Map.of("messages", List.of(Map.of("role", "user", "content", q))));
                    if (r.statusCode() != 200) {
                      errors.incrementAndGet();
                      if (errorSamples.size() < 5) {
                        errorSamples.add(r.statusCode() + " " + r.body());
                      }
                    } else {
                      latencies.add((System.nanoTime() - t) / 1e6);
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    if (errorSamples.size() < 5) {
                      errorSamples.add(e.toString());
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : clients) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    int uploadFailures = upload.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    double p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    double p95 =
        sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, sorted.size() * 0.95));
    report.add(
        String.format(
            Locale.ROOT,
            "load: 16 chat clients x 60 s + 200 documents ingested: %d answers, %d errors,"
                + " p50 %.0f ms, p95 %.0f ms, %.1f answers/s; upload retries %d",
            latencies.size(),
            errors.get(),
            p50,
            p95,
            latencies.size() / 60.0,
            uploadFailures));
    assertThat(errors.get()).as(String.join("\n", errorSamples)).isZero();
    assertThat(uploadFailures).isZero();
    assertThat(latencies).isNotEmpty();
  }
}
