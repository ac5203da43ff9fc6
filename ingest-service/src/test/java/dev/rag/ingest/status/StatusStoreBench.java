package dev.rag.ingest.status;

import dev.rag.common.Topics;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.testsupport.KafkaBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures the status store at a given number of documents (a benchmark, not a test): writes that
 * many statuses to a status topic on an in-JVM broker, then reports the store's cold start-up (a
 * new state dir: the whole topic is read), its warm start-up (the same state dir again), status
 * lookups p50/p95/p99, and the Java heap after GC with and without the store. Run it as
 * ingest-service's README says: {@code StatusStoreBench [statuses] [tenants] [lookups] [block cache
 * MiB]}.
 */
public final class StatusStoreBench {

  private StatusStoreBench() {}

  public static void main(String[] args) throws Exception {
    int statuses = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int tenants = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int lookups = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
    long cacheMiB = args.length > 3 ? Long.parseLong(args[3]) : 16;
    KafkaBroker broker = KafkaBroker.start(4);
    String topic = "bench-status";
    broker.createTopics(4, List.of(topic));

    long t = System.nanoTime();
    try (var producer =
        new KafkaProducer<String, byte[]>(
            Map.of(
                "bootstrap.servers", broker.bootstrapServers(),
                "acks", "1",
                "linger.ms", "20",
                "batch.size", Integer.toString(256 << 10),
                "compression.type", "lz4"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < statuses; i++) {
        DocumentStatus s = status(i, tenants);
        producer.send(
            new ProducerRecord<>(
                topic,
                Topics.documentKey(s.getTenant(), s.getSource(), s.getDocumentId()),
                s.toByteArray()));
      }
      producer.flush();
    }
    double writeS = seconds(t);
    long heapBroker = heapAfterGc();

    Path dir = Files.createTempDirectory("status-bench-");
    KafkaClients kafka = KafkaClients.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
    StatusTable.Settings settings =
        new StatusTable.Settings(
            topic, "status-bench", dir, cacheMiB << 20, 8L << 20, Duration.ofHours(24));

    DocumentStatusStore store = new DocumentStatusStore(kafka, settings);
    t = System.nanoTime();
    store.start();
    awaitCaughtUp(store);
    double coldS = seconds(t);
    long[] nanos = lookups(store, statuses, tenants, lookups);
    long heapStore = heapAfterGc();
    store.stop();

    store = new DocumentStatusStore(kafka, settings);
    t = System.nanoTime();
    store.start();
    awaitCaughtUp(store);
    double warmS = seconds(t);
    long[] warmNanos = lookups(store, statuses, tenants, lookups);
    long heapWarm = heapAfterGc();
    String usage = store.usage("tenant-0").toString();
    store.stop();
    long diskBytes = du(dir);

    System.out.printf(
        "{\"statuses\": %d, \"tenants\": %d, \"block_cache_mib\": %d, \"write_s\": %.1f, \"cold_start_s\": %.1f,"
            + " \"warm_start_s\": %.1f, \"lookup_us\": {\"p50\": %.1f, \"p95\": %.1f, \"p99\": %.1f},"
            + " \"warm_lookup_us_p95\": %.1f, \"heap_after_gc_mb\": {\"broker_only\": %.1f,"
            + " \"with_store\": %.1f, \"with_store_warm\": %.1f}, \"rss_mb\": %.1f,"
            + " \"state_dir_mb\": %.1f, \"usage_tenant_0\": \"%s\"}%n",
        statuses,
        tenants,
        cacheMiB,
        writeS,
        coldS,
        warmS,
        pct(nanos, 0.50),
        pct(nanos, 0.95),
        pct(nanos, 0.99),
        pct(warmNanos, 0.95),
        heapBroker / 1e6,
        heapStore / 1e6,
        heapWarm / 1e6,
        rssBytes() / 1e6,
        diskBytes / 1e6,
        usage);
    broker.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    System.exit(0);
  }

  private static DocumentStatus status(int i, int tenants) {
    return DocumentStatus.newBuilder()
        .setTenant("tenant-" + (i % tenants))
        .setSource("bench")
        .setDocumentId("document-" + i)
        .setVersion(Integer.toHexString(i * 31 + 7) + "0123456789abcdef0123456789abcdef")
        .setState(
            i % 10 == 0
                ? DocumentState.DOCUMENT_STATE_ACCEPTED
                : DocumentState.DOCUMENT_STATE_INDEXED)
        .setSequence(i)
        .setBytes(1000 + i % 5000)
        .setChunks(3)
        .build();
  }

  private static void awaitCaughtUp(DocumentStatusStore store) throws InterruptedException {
    while (!store.caughtUp()) {
      Thread.sleep(10);
    }
  }

  private static long[] lookups(DocumentStatusStore store, int statuses, int tenants, int lookups) {
    SplittableRandom random = new SplittableRandom(42);
    long[] nanos = new long[lookups];
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      for (int n = 0; n < lookups; n++) {
        int i = random.nextInt(statuses);
        String key = Topics.documentKey("tenant-" + (i % tenants), "bench", "document-" + i);
        long t = System.nanoTime();
        if (store.get(key).isEmpty()) {
          throw new IllegalStateException("status of " + key + " missing");
        }
        nanos[n] = System.nanoTime() - t;
      }
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static double pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e3;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssBytes() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  private static long du(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
