package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on every layer of {@code ./rag up --cluster} ({@code -Pcluster}): during an upload of 500
 * documents by 4 clients, with 8 chat clients asking all the while, one broker, one Qdrant node and
 * one replica of each service are killed (-9) in turn and started again, and one service is
 * restarted replica by replica as an upgrade would. For each: documents indexed, points, lost,
 * duplicated, chat requests failed, time to recover; the table goes to {@code
 * target/cluster-report.md}.
 *
 * <p>Chat clients are the official OpenAI Java SDK, as users run it (its default retries: twice, on
 * a connection error or a 408/409/429/5xx), through a {@link ReplicaFront} over the two generate
 * replicas, as a Kubernetes Service is: a connection refused by a replica that is down goes to the
 * other one (counted as moved). A question the SDK gives up on is a failure. Uploaders send a
 * document that a replica did not take to the other replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {

  private static final int DOCUMENTS = 500;
  private static final Duration RECOVERY = Duration.ofSeconds(300);
  private static final String COLLECTION = ClusterSmokeIT.COLLECTION;

  private static LocalCluster cluster;
  private static final List<String> report = Collections.synchronizedList(new ArrayList<>());
  private static final AtomicInteger chatFailures = new AtomicInteger();
  private static final List<String> chatFailureSamples =
      Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void up() throws Exception {
    cluster = LocalCluster.up();
  }

  @AfterAll
  static void down() throws Exception {
    Path out = Path.of("target/cluster-report.md");
    Files.createDirectories(out.getParent());
    Files.writeString(
        out,
        "| fault | documents | points | lost | duplicated | chats ok | chats failed |"
            + " connections moved | upload retries | recovered after |\n|---|---|---|---|---|---|---|---|---|---|\n"
            + String.join("\n", report)
            + "\n");
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void aBrokerKilledAndRestarted() throws Exception {
    survive("kill-broker", () -> killThenStart("kafka-2"));
  }

  @Test
  @Order(2)
  void aQdrantNodeKilledAndRestarted() throws Exception {
    survive("kill-qdrant-node", () -> killThenStart("qdrant-2"));
  }

  @Test
  @Order(3)
  void anIngestReplicaKilledAndRestarted() throws Exception {
    survive("kill-ingest-1", () -> killThenStart("ingest-1"));
  }

  @Test
  @Order(4)
  void anEmbedReplicaKilledAndRestarted() throws Exception {
    survive("kill-embed-1", () -> killThenStart("embed-1"));
  }

  @Test
  @Order(5)
  void aRetrieveReplicaKilledAndRestarted() throws Exception {
    survive("kill-retrieve-1", () -> killThenStart("retrieve-1"));
  }

  @Test
  @Order(6)
  void aGenerateReplicaKilledAndRestarted() throws Exception {
    survive("kill-generate-1", () -> killThenStart("generate-1"));
  }

  @Test
  @Order(7)
  void aRollingRestartOfRetrieve() throws Exception {
    survive(
        "rolling-restart-retrieve",
        () -> {
          for (String replica : List.of("retrieve-1", "retrieve-2")) {
            run(() -> cluster.rag(Duration.ofMinutes(2), "stop", replica));
            run(() -> cluster.start(replica));
          }
        });
  }

  @Test
  @Order(8)
  void noChatRequestFailedInAnyFault() {
    assertThat(chatFailures.get()).as(String.join("\n", chatFailureSamples)).isZero();
  }

  /** Kills a process, waits until indexing has moved on without it, then starts it again. */
  private static void killThenStart(String process) {
    run(() -> cluster.kill(process));
    long before = distinctQuietly(current);
    awaitTrue(
        () -> distinctQuietly(current) >= Math.min(DOCUMENTS, before + 50),
        "indexing to go on without " + process);
    run(() -> cluster.start(process));
  }

  private static volatile String current;

  private static void survive(String source, Runnable fault) throws Exception {
    current = source;
    long start = System.nanoTime();
    AtomicInteger uploadRetries = new AtomicInteger();
    CompletableFuture<Void> upload = upload(source, uploadRetries);
    AtomicBoolean asking = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ReplicaFront front = cluster.front("generate");
    SdkChat chat = new SdkChat(front.url(), cluster.key());
    ExecutorService chats = Executors.newFixedThreadPool(8);
    for (int c = 0; c < 8; c++) {
      int client = c;
      chats.submit(() -> ask(client, chat, asking, ok, failed));
    }
    awaitTrue(() -> distinctQuietly(source) >= 50, "indexing to start in " + source);
    long injected = System.nanoTime();
    fault.run();
    upload.get(RECOVERY.toSeconds(), TimeUnit.SECONDS);
    awaitTrue(() -> distinctQuietly(source) >= DOCUMENTS, DOCUMENTS + " documents in " + source);
    double recovered = (System.nanoTime() - injected) / 1e9;
    asking.set(false);
    chats.shutdown();
    assertThat(chats.awaitTermination(3, TimeUnit.MINUTES)).isTrue();
    chat.close();
    front.close();
    List<String> points = cluster.pointDocuments(COLLECTION, source);
    Set<String> distinct = new HashSet<>(points);
    chatFailures.addAndGet(failed.get());
    report.add(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %.1f s (%.1f s in all) |",
            source,
            DOCUMENTS,
            points.size(),
            DOCUMENTS - distinct.size(),
            points.size() - distinct.size(),
            ok.get(),
            failed.get(),
            front.moved(),
            uploadRetries.get(),
            recovered,
            (System.nanoTime() - start) / 1e9));
    assertThat(distinct).as("documents indexed in " + source).hasSize(DOCUMENTS);
    assertThat(points).as("points of " + source + " (one chunk each)").hasSize(DOCUMENTS);
  }

  /** 4 clients upload documents 0..499, each retried (on the other replica too) until accepted. */
  private static CompletableFuture<Void> upload(String source, AtomicInteger retries) {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      clients.add(
          CompletableFuture.runAsync(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < DOCUMENTS) {
                  uploadUntilAccepted(source, i, 1 + client % 2, retries);
                }
              },
              pool));
    }
    return CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> pool.shutdown());
  }

  private static void uploadUntilAccepted(
      String source, int i, int replica, AtomicInteger retries) {
    Map<String, Object> doc =
        Map.of(
            "id",
            "doc-" + i,
            "source",
            source,
            "title",
            "Observation " + i,
            "text",
            "Observation " + i + " of the " + source + " series read " + (i * 7 % 101) + " units.");
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    int r = replica;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            JsonHttp.send(cluster.key(), "POST", cluster.url("ingest", r) + "/v1/documents", doc);
        if (response.statusCode() == 202 || response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Down: the other replica takes it.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      retries.incrementAndGet();
      r = 3 - r;
      sleep(200);
    }
    throw new IllegalStateException("doc-" + i + " of " + source + " was never accepted");
  }

  /**
   * One chat client: the OpenAI SDK (shared, with its default retries) through the front over the
   * generate replicas, asking until told to stop; a question the SDK gives up on is a failure.
   */
  private static void ask(
      int client, SdkChat chat, AtomicBoolean asking, AtomicInteger ok, AtomicInteger failed) {
    int n = 0;
    while (asking.get() && !Thread.currentThread().isInterrupted()) {
      String question = "What did observation " + ((client * 37 + n++) % DOCUMENTS) + " read?";
      try {
        chat.ask(question);
        ok.incrementAndGet();
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        sample(current + ": " + e);
      }
    }
  }

  private static void sample(String failure) {
    if (chatFailureSamples.size() < 10) {
      chatFailureSamples.add(failure);
    }
  }

  private static long distinctQuietly(String source) {
    try {
      return new HashSet<>(cluster.pointDocuments(COLLECTION, source)).size();
    } catch (Exception e) {
      return -1;
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void run(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      sleep(500);
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
