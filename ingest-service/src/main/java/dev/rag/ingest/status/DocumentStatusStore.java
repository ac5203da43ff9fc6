package dev.rag.ingest.status;

import dev.rag.common.Topics;
import dev.rag.ingest.StatusStore;
import dev.rag.ingest.mapping.StatusMapper;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.DocumentStatus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * The status of every document, read from the compacted {@value Topics#STATUS} topic into a local
 * table on disk ({@link StatusTable}: a Kafka Streams global store on RocksDB, off the Java heap;
 * every instance reads all partitions, so any instance can answer for any document). Records are
 * ordered by the sequence of the documents-topic record they are about ({@link #merge}), so late or
 * repeated records cannot make a status lie, and a caller can wait until the store has read what
 * other instances wrote ({@link #caughtUpWith}). A deleted document answers "deleted" for {@code
 * ingest.status-store.deleted-retention}, then is removed.
 *
 * <p>What this instance wrote itself ({@link #apply}) is answered at once from a small bounded
 * overlay, until the table has read it back from the topic.
 */
@ApplicationScoped
public class DocumentStatusStore implements StatusStore {

  private static final Logger LOG = Logger.getLogger(DocumentStatusStore.class);

  /** The longest {@link #caughtUpWith} waits. */
  static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(5);

  /** The most statuses written here and not read back yet that the overlay keeps. */
  static final int MAX_PENDING = 10_000;

  /** How long a status written here is kept in the overlay when the table does not read it back. */
  static final Duration PENDING_TTL = Duration.ofMinutes(2);

  private final KafkaClients kafka;
  private final StatusTable.Settings settings;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final Queue<CatchUp> catchUps = new ConcurrentLinkedQueue<>();
  private volatile StatusTable table;
  private volatile boolean stopping;
  private volatile String error;
  private volatile int partitionCount;
  private Admin admin;
  private Thread supervisor;
  private volatile long sweptAt = System.nanoTime();

  @Inject
  DocumentStatusStore(KafkaClients kafka, StatusStoreConfig config) {
    this(
        kafka,
        new StatusTable.Settings(
            Topics.STATUS,
            config.applicationId(),
            Path.of(config.stateDir()),
            config.blockCacheBytes(),
            config.writeBufferBytes(),
            config.deletedRetention()));
  }

  /** A store on the table {@code settings} describe (tests: their own topic and state dir). */
  DocumentStatusStore(KafkaClients kafka, StatusTable.Settings settings) {
    this.kafka = kafka;
    this.settings = settings;
  }

  void start(@Observes StartupEvent event) {
    start();
  }

  void stop(@Observes ShutdownEvent event) {
    stop();
  }

  /** Starts the table in the background and keeps it running (a new one after an error). */
  synchronized void start() {
    stopping = false;
    supervisor = new Thread(this::supervise, "status-store");
    supervisor.setDaemon(true);
    supervisor.start();
  }

  /** Stops the table; what it read stays in its state dir. */
  synchronized void stop() {
    stopping = true;
    if (supervisor != null) {
      try {
        supervisor.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
  }

  /** True once the table was restored up to where the topic ended when it started. */
  public boolean caughtUp() {
    StatusTable t = table;
    return t != null && t.running();
  }

  /** Why the store is not caught up, when it knows. */
  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /** The newest truth about the document, or empty when it is not known (or deleted long ago). */
  @Override
  public Optional<dev.rag.ingest.DocumentStatus> get(String key) {
    return newest(key).map(StatusMapper::fromProto);
  }

  /** The newest record about the document: the table's, merged with one written here since. */
  private Optional<DocumentStatus> newest(String key) {
    StatusTable t = table;
    DocumentStatus stored = t == null ? null : t.get(key).orElse(null);
    Pending p = pending.get(key);
    return Optional.ofNullable(p == null ? stored : StatusMerge.merge(stored, p.status()));
  }

  /**
   * Applies a status record this instance wrote to the topic, so that it is answered before the
   * table reads it back, keeping the newest truth about the document.
   */
  @Override
  public void apply(dev.rag.ingest.DocumentStatus status) {
    DocumentStatus update = StatusMapper.toProto(status);
    String key = Topics.documentKey(update.getTenant(), update.getSource(), update.getDocumentId());
    long now = System.nanoTime();
    pending.compute(
        key,
        (k, current) ->
            new Pending(StatusMerge.merge(current == null ? null : current.status(), update), now));
    if (pending.size() > MAX_PENDING || now - sweptAt > PENDING_TTL.toNanos()) {
      trimPending(now);
    }
  }

  /** A status written here, and when. */
  private record Pending(DocumentStatus status, long atNanos) {}

  /** Called by the table after each record: forgets what the table now knows as well. */
  private void applied(String key, DocumentStatus newest) {
    pending.computeIfPresent(
        key,
        (k, p) ->
            newest != null && StatusMerge.merge(newest, p.status()).equals(newest) ? null : p);
  }

  /** Forgets what the table did not read back in time (its record never reached the topic). */
  private void trimPending(long now) {
    sweptAt = now;
    pending.values().removeIf(p -> now - p.atNanos() > PENDING_TTL.toNanos());
    var it = pending.keySet().iterator();
    while (pending.size() > MAX_PENDING && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  @Override
  public Page list(
      String tenant,
      String source,
      String after,
      int limit,
      int maxScanned,
      Predicate<dev.rag.ingest.DocumentStatus> keep) {
    String tenantPrefix = tenant + "/";
    String prefix = source == null ? tenantPrefix : tenantPrefix + source + "/";
    String from = after == null ? null : tenantPrefix + after;
    TreeMap<String, dev.rag.ingest.DocumentStatus> kept = new TreeMap<>();
    int[] scanned = {0};
    String[] last = {null};
    StatusTable t = table;
    boolean read =
        t != null
            && t.scan(
                prefix,
                from,
                (key, stored) -> {
                  scanned[0]++;
                  last[0] = key;
                  Pending p = pending.get(key);
                  DocumentStatus newest =
                      p == null ? stored : StatusMerge.merge(stored, p.status());
                  dev.rag.ingest.DocumentStatus status = StatusMapper.fromProto(newest);
                  if (keep.test(status)) {
                    kept.put(key, status);
                  }
                  return kept.size() < limit && scanned[0] < maxScanned;
                });
    boolean stoppedEarly = kept.size() >= limit || scanned[0] >= maxScanned;
    // Written here and not read back yet: within the part of the key space the table covered.
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(prefix)
          && (from == null || key.compareTo(from) > 0)
          && (!stoppedEarly || key.compareTo(last[0]) < 0)
          && !kept.containsKey(key)
          && (t == null || t.get(key).isEmpty())) {
        dev.rag.ingest.DocumentStatus status = StatusMapper.fromProto(e.getValue().status());
        if (keep.test(status)) {
          kept.put(key, status);
        }
      }
    }
    String next = stoppedEarly ? last[0] : null;
    while (kept.size() > limit) {
      kept.pollLastEntry();
      next = kept.lastKey();
    }
    return new Page(
        List.copyOf(kept.values()),
        next == null ? null : next.substring(tenantPrefix.length()),
        read);
  }

  /** What {@code tenant} stores, as far as this instance has read the status topic. */
  @Override
  public Usage usage(String tenant) {
    StatusTable t = table;
    Usage stored = t == null ? Usage.NONE : t.usage(tenant);
    long documents = stored.documents();
    long bytes = stored.bytes();
    for (Map.Entry<String, Pending> e : pending.entrySet()) {
      DocumentStatus mine = e.getValue().status();
      if (!mine.getTenant().equals(tenant)) {
        continue;
      }
      DocumentStatus before = t == null ? null : t.get(e.getKey()).orElse(null);
      Usage change = StatusTable.change(before, StatusMerge.merge(before, mine));
      documents += change.documents();
      bytes += change.bytes();
    }
    return new Usage(documents, bytes);
  }

  /**
   * Completes with true once this store has read the status topic, on the key's partition, up to
   * where that partition ended when asked: every status any instance had written for the document
   * by then is applied. False when that takes longer than {@link #CATCH_UP_TIMEOUT} or the topic
   * cannot be asked (the caller then does not rely on the status).
   */
  @Override
  public Uni<Boolean> caughtUpWith(String key) {
    int partitions = partitionCount;
    if (!caughtUp() || partitions == 0) {
      return Uni.createFrom().item(false);
    }
    TopicPartition partition =
        new TopicPartition(
            settings.topic(),
            Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions);
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    admin()
        .listOffsets(Map.of(partition, OffsetSpec.latest()))
        .partitionResult(partition)
        .whenComplete(
            (end, e) -> {
              if (e != null) {
                done.complete(false);
              } else {
                waitFor(new CatchUp(partition.partition(), end.offset(), done));
              }
            });
    return Uni.createFrom()
        .completionStage(
            done.completeOnTimeout(false, CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
  }

  private record CatchUp(int partition, long offset, CompletableFuture<Boolean> done) {}

  private void waitFor(CatchUp catchUp) {
    catchUps.add(catchUp);
    releaseCaughtUp();
  }

  /** Completes the waits the table's positions satisfy (and forgets those that timed out). */
  private void releaseCaughtUp() {
    StatusTable t = table;
    catchUps.removeIf(
        c -> {
          if (c.done().isDone()) {
            return true;
          }
          if (c.offset() == 0 || (t != null && t.position(c.partition()) >= c.offset())) {
            c.done().complete(true);
            return true;
          }
          return false;
        });
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = kafka.admin(Map.of());
    }
    return admin;
  }

  /**
   * Waits for the topic, starts the table, and replaces it when it stops on an error; releases the
   * read-your-writes waits as the table reads on.
   */
  private void supervise() {
    try {
      while (!stopping) {
        int partitions = partitions();
        if (partitions == 0) {
          error = "topic " + settings.topic() + " does not exist yet";
          Thread.sleep(1000);
          continue;
        }
        partitionCount = partitions;
        String cluster = clusterId();
        if (cluster == null) {
          Thread.sleep(1000);
          continue;
        }
        try {
          StateDirGuard.claim(settings.stateDir(), cluster);
        } catch (RuntimeException e) {
          error = e.getMessage();
          LOG.warnf("%s; trying again", error);
          Thread.sleep(2000);
          continue;
        }
        StatusTable t = new StatusTable(kafka.config(Map.of()), settings, this::applied);
        table = t;
        long started = System.nanoTime();
        boolean announced = false;
        t.start();
        try {
          while (!stopping && !t.failed()) {
            if (!announced && t.running()) {
              announced = true;
              error = null;
              LOG.infof(
                  "Status table restored in %d ms",
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
            releaseCaughtUp();
            Thread.sleep(20);
          }
        } finally {
          if (!stopping) {
            error =
                "the status table stopped: "
                    + t.failure().map(Throwable::getMessage).orElse("unknown error");
            LOG.warnf("%s; starting it again", error);
          }
          t.close();
        }
        if (!stopping) {
          Thread.sleep(2000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The Kafka cluster's id, or null when it cannot be asked now. */
  private String clusterId() {
    try {
      return admin().describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      error = e.getMessage();
      return null;
    }
  }

  /** The status topic's partition count, or 0 when it does not exist (yet) or cannot be asked. */
  private int partitions() {
    try {
      return admin()
          .describeTopics(List.of(settings.topic()))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(settings.topic())
          .partitions()
          .size();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } catch (Exception e) {
      error = e.getMessage();
      return 0;
    }
  }
}
