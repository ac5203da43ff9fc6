package dev.rag.ingest.status;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.ingest.StatusStore.Usage;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.jboss.logging.Logger;

/**
 * The status of every document as a Kafka Streams global store on RocksDB: every instance reads
 * every partition of the status topic into its own local table (on disk, off the Java heap), so any
 * instance answers for any document. The store's processor applies each record with {@link
 * StatusMerge#merge} (Kafka Streams re-runs it when it restores the store, KAFKA-7663), and keeps
 * in the same store, under keys no document has, each tenant's usage and the deleted documents
 * waiting for removal.
 */
public final class StatusTable implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StatusTable.class);

  /** The store's name, also its directory under the state directory. */
  static final String STORE = "document-status";

  /** Key prefix of a tenant's usage (16 bytes: documents, then bytes). */
  static final String USAGE = "\u0000usage\u0000";

  /** Key prefix of a deleted document waiting for removal: then its record time, then its key. */
  static final String DELETED = "\u0001deleted\u0000";

  /**
   * What a table is built from.
   *
   * @param topic the compacted status topic
   * @param applicationId names the state subdirectory and the clients
   * @param stateDir where RocksDB keeps the table
   * @param blockCacheBytes RocksDB's shared block cache
   * @param writeBufferBytes RocksDB's memtables together
   * @param deletedRetention how long (in record time) a deleted document still answers "deleted"
   */
  public record Settings(
      String topic,
      String applicationId,
      Path stateDir,
      long blockCacheBytes,
      long writeBufferBytes,
      Duration deletedRetention) {}

  private final KafkaStreams streams;
  private final Settings settings;
  private final Map<Integer, Long> positions = new ConcurrentHashMap<>();
  private volatile ReadOnlyKeyValueStore<String, byte[]> view;
  private volatile Throwable failure;

  /**
   * A table reading {@code settings.topic()}.
   *
   * @param kafka the whole Kafka configuration of the service (brokers, security)
   * @param applied called on the stream thread after each record, with the document's key and its
   *     newest truth (before a deleted document is removed)
   */
  public StatusTable(
      Map<String, Object> kafka, Settings settings, BiConsumer<String, DocumentStatus> applied) {
    this.settings = settings;
    StreamsBuilder builder = new StreamsBuilder();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled()
            .withCachingDisabled(),
        settings.topic(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()),
        () -> new Updater(settings.deletedRetention().toMillis(), positions, applied));
    streams = new KafkaStreams(builder.build(), properties(kafka, settings));
    streams.setGlobalStateRestoreListener(new Restored());
    streams.setUncaughtExceptionHandler(
        e -> {
          failure = e;
          LOG.warnf(e, "The status table stopped");
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
  }

  private static Properties properties(Map<String, Object> kafka, Settings settings) {
    Map<String, Object> config = new HashMap<>(kafka);
    // Client settings of the messaging channels that are no Streams settings.
    config.keySet().removeIf(k -> k.endsWith(".serializer") || k.endsWith(".deserializer"));
    config.remove("group.id");
    config.remove("client.id");
    config.remove("auto.offset.reset");
    config.remove("enable.auto.commit");
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
    config.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
    config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    config.put(BoundedRocksDb.BLOCK_CACHE_BYTES, settings.blockCacheBytes());
    config.put(BoundedRocksDb.WRITE_BUFFER_BYTES, settings.writeBufferBytes());
    config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
    config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    Properties props = new Properties();
    props.putAll(config);
    return props;
  }

  /** Starts reading (in the background): {@link #running()} once the table is restored. */
  public void start() {
    streams.start();
  }

  /** True once the table is restored to where the topic ended at start and reads on. */
  public boolean running() {
    return streams.state() == KafkaStreams.State.RUNNING;
  }

  /** True once the table stopped for good (an error): a new table must replace it. */
  public boolean failed() {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.PENDING_ERROR
        || (failure != null && !state.isRunningOrRebalancing());
  }

  /** Why the table stopped, when it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The document's newest truth, once the table is running. */
  public Optional<DocumentStatus> get(String key) {
    return Optional.ofNullable(read(key)).map(StatusTable::decode);
  }

  /** What the tenant stores, once the table is running. */
  public Usage usage(String tenant) {
    byte[] value = read(USAGE + tenant);
    return value == null ? Usage.NONE : decodeUsage(value);
  }

  /**
   * Visits, in key order, the documents whose keys start with {@code prefix} (which ends with '/')
   * and come after {@code after} (null: from the first), until {@code visitor} says stop; visits
   * none while the table is not running.
   *
   * @return false when the table could not be read (not running, or being replaced)
   */
  public boolean scan(String prefix, String after, BiPredicate<String, DocumentStatus> visitor) {
    ReadOnlyKeyValueStore<String, byte[]> store = view();
    if (store == null) {
      return false;
    }
    // Keys under the prefix sort below the prefix with its final '/' raised to '0'.
    String upper = prefix.substring(0, prefix.length() - 1) + '0';
    try (KeyValueIterator<String, byte[]> it = store.range(after == null ? prefix : after, upper)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        if (entry.key.equals(after) || !entry.key.startsWith(prefix)) {
          continue;
        }
        if (!visitor.test(entry.key, decode(entry.value))) {
          break;
        }
      }
      return true;
    } catch (InvalidStateStoreException e) {
      view = null;
      return false;
    }
  }

  /**
   * The next offset of {@code partition} the table has not applied yet (every record before it is
   * applied), or -1 when not known.
   */
  public long position(int partition) {
    return positions.getOrDefault(partition, -1L);
  }

  private byte[] read(String key) {
    ReadOnlyKeyValueStore<String, byte[]> store = view();
    try {
      return store == null ? null : store.get(key);
    } catch (InvalidStateStoreException e) {
      view = null;
      return null;
    }
  }

  /** The store to query, or null while the table is not running. */
  private ReadOnlyKeyValueStore<String, byte[]> view() {
    ReadOnlyKeyValueStore<String, byte[]> store = view;
    if (store != null) {
      return store;
    }
    if (!running()) {
      return null;
    }
    try {
      store =
          streams.store(
              StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
    } catch (InvalidStateStoreException e) {
      return null;
    }
    view = store;
    return store;
  }

  /** Stops reading; what was read stays on disk for the next start on the same state dir. */
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }

  /** Stops reading and removes the table from disk. */
  public void closeAndCleanUp() {
    close();
    streams.cleanUp();
  }

  /** The settings this table was built from. */
  public Settings settings() {
    return settings;
  }

  static DocumentStatus decode(byte[] value) {
    try {
      return DocumentStatus.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("The status table holds a value that is no status", e);
    }
  }

  static Usage decodeUsage(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    return new Usage(b.getLong(), b.getLong());
  }

  static byte[] encode(Usage usage) {
    return ByteBuffer.allocate(16).putLong(usage.documents()).putLong(usage.bytes()).array();
  }

  /** What a change of a document's status adds to its tenant's usage. */
  static Usage change(DocumentStatus before, DocumentStatus after) {
    long documents = (counts(after) ? 1 : 0) - (counts(before) ? 1 : 0);
    long bytes = (counts(after) ? after.getBytes() : 0) - (counts(before) ? before.getBytes() : 0);
    return new Usage(documents, bytes);
  }

  private static boolean counts(DocumentStatus s) {
    return s != null
        && s.getState() != DocumentState.DOCUMENT_STATE_DELETED
        && s.getState() != DocumentState.DOCUMENT_STATE_FAILED;
  }

  /** Where restoration at start ends on each partition: applied once the table runs. */
  private final class Restored implements StateRestoreListener {
    private final Map<TopicPartition, Long> ends = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
      // Everything before the checkpoint was applied by an earlier run on this state dir.
      positions.merge(partition.partition(), start, Math::max);
      ends.put(partition, end);
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long end, long count) {}

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long total) {
      Long end = ends.remove(partition);
      if (end != null) {
        positions.merge(partition.partition(), end, Math::max);
      }
    }
  }

  /** Applies each status record to the store: the global store's processor. */
  static final class Updater implements Processor<String, byte[], Void, Void> {
    private final long deletedRetentionMs;
    private final Map<Integer, Long> positions;
    private final BiConsumer<String, DocumentStatus> applied;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;
    private long streamTime = Long.MIN_VALUE;
    private long purgedUpTo = Long.MIN_VALUE;

    Updater(
        long deletedRetentionMs,
        Map<Integer, Long> positions,
        BiConsumer<String, DocumentStatus> applied) {
      this.deletedRetentionMs = deletedRetentionMs;
      this.positions = positions;
      this.applied = applied;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      String key = record.key();
      if (key != null && !key.startsWith(USAGE) && !key.startsWith(DELETED)) {
        apply(key, record);
      }
      streamTime = Math.max(streamTime, record.timestamp());
      purgeDeleted();
      context
          .recordMetadata()
          .ifPresent(m -> positions.merge(m.partition(), m.offset() + 1, Math::max));
    }

    private void apply(String key, Record<String, byte[]> record) {
      byte[] stored = store.get(key);
      DocumentStatus before = stored == null ? null : decode(stored);
      DocumentStatus after;
      if (record.value() == null) {
        after = null;
      } else {
        try {
          after = StatusMerge.merge(before, DocumentStatus.parseFrom(record.value()));
        } catch (InvalidProtocolBufferException e) {
          LOG.warnf("Status record %s is not a rag.v1.DocumentStatus; ignored", key);
          return;
        }
      }
      if (after == null) {
        store.delete(key);
      } else if (!after.equals(before)) {
        store.put(key, after.toByteArray());
        if (after.getState() == DocumentState.DOCUMENT_STATE_DELETED
            && (before == null || before.getState() != DocumentState.DOCUMENT_STATE_DELETED)) {
          store.put(deletedKey(record.timestamp(), key), sequenceOf(after));
        }
      }
      count(before, after);
      if (applied != null) {
        applied.accept(key, after);
      }
    }

    private void count(DocumentStatus before, DocumentStatus after) {
      Usage change = change(before, after);
      if (change.documents() == 0 && change.bytes() == 0) {
        return;
      }
      String tenant = USAGE + (after != null ? after.getTenant() : before.getTenant());
      byte[] stored = store.get(tenant);
      Usage current = stored == null ? Usage.NONE : decodeUsage(stored);
      store.put(
          tenant,
          encode(
              new Usage(
                  current.documents() + change.documents(), current.bytes() + change.bytes())));
    }

    /**
     * Removes the deleted documents whose deletion is older than the retention in record time,
     * unless a later record brought them back. Record time, not the clock: every replica, and every
     * restore of one, removes them at the same point of the topic.
     */
    private void purgeDeleted() {
      long cutoff = streamTime - deletedRetentionMs;
      // One range scan per second of record time, not per record.
      if (purgedUpTo != Long.MIN_VALUE && cutoff < purgedUpTo + 1000) {
        return;
      }
      purgedUpTo = cutoff;
      List<KeyValue<String, byte[]>> due = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it =
          store.range(DELETED, DELETED + time(Math.max(0, cutoff)) + "\uffff")) {
        while (it.hasNext()) {
          due.add(it.next());
        }
      }
      for (KeyValue<String, byte[]> entry : due) {
        store.delete(entry.key);
        String key = entry.key.substring(DELETED.length() + 20 + 1);
        byte[] stored = store.get(key);
        if (stored != null) {
          DocumentStatus current = decode(stored);
          if (current.getState() == DocumentState.DOCUMENT_STATE_DELETED
              && java.util.Arrays.equals(sequenceOf(current), entry.value)) {
            store.delete(key);
          }
        }
      }
    }

    private static String deletedKey(long timestamp, String key) {
      return DELETED + time(Math.max(0, timestamp)) + "\u0000" + key;
    }

    private static String time(long millis) {
      return String.format("%020d", millis);
    }

    private static byte[] sequenceOf(DocumentStatus s) {
      return s.hasSequence()
          ? ByteBuffer.allocate(8).putLong(s.getSequence()).array()
          : new byte[0];
    }
  }
}
