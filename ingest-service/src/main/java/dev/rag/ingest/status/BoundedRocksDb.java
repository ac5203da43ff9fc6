package dev.rag.ingest.status;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB's memory: one block cache for every store in this JVM (index and filter blocks
 * included), and memtables charged to it, so the table's memory stays the configured size whatever
 * the number of documents. Kafka Streams instantiates this class by name, and passes the streams
 * configuration, where {@link #BLOCK_CACHE_BYTES} and {@link #WRITE_BUFFER_BYTES} are set.
 */
public class BoundedRocksDb implements RocksDBConfigSetter {

  /** Streams configuration key: the block cache's capacity in bytes. */
  public static final String BLOCK_CACHE_BYTES = "rag.status.rocksdb.block-cache-bytes";

  /** Streams configuration key: what the memtables may hold together, in bytes. */
  public static final String WRITE_BUFFER_BYTES = "rag.status.rocksdb.write-buffer-bytes";

  private static Cache cache;
  private static WriteBufferManager writeBuffers;

  /**
   * The shared cache and write buffer manager, made on first use; they live as long as the JVM
   * (closing them while a store is open would crash RocksDB).
   */
  private static synchronized void init(long cacheBytes, long writeBufferBytes) {
    if (cache == null) {
      cache = new LRUCache(cacheBytes, -1, false, 0.5);
      writeBuffers = new WriteBufferManager(writeBufferBytes, cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long cacheBytes = bytes(configs.get(BLOCK_CACHE_BYTES), 16L << 20);
    long writeBufferBytes = bytes(configs.get(WRITE_BUFFER_BYTES), 8L << 20);
    init(cacheBytes, writeBufferBytes);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    // Index and filter in partitions: a lookup loads the small partitions it needs, not a whole
    // file's index, so they stay cheap once the table outgrows the cache.
    table.setIndexType(IndexType.kTwoLevelIndexSearch);
    table.setPartitionFilters(true);
    table.setMetadataBlockSize(4096);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(writeBuffers);
    options.setWriteBufferSize(Math.max(1L << 20, writeBufferBytes / 2));
    options.setMaxWriteBufferNumber(2);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and write buffer manager are shared by every store: they are not closed here.
  }

  private static long bytes(Object value, long fallback) {
    return value == null ? fallback : Long.parseLong(value.toString());
  }
}
