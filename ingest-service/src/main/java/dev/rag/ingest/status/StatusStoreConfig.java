package dev.rag.ingest.status;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The document status table, under {@code ingest.status-store.*}: a Kafka Streams global store on
 * RocksDB, on local disk, sourced from the compacted status topic.
 */
@ConfigMapping(prefix = "ingest.status-store")
public interface StatusStoreConfig {

  /**
   * Where RocksDB keeps the table (a subdirectory per application id). On an emptyDir a restart
   * reads the whole status topic again; on a persistent volume it reads only what came after its
   * last checkpoint.
   */
  @WithDefault("${java.io.tmpdir}/rag-ingest-status")
  String stateDir();

  /**
   * The Kafka Streams application id: names the state subdirectory and the clients. The table has
   * no consumer group (a global store reads every partition itself), so replicas may share it.
   */
  @WithDefault("ingest-status-store")
  String applicationId();

  /** RocksDB's block cache, shared by every store of this JVM: bytes, off the Java heap. */
  @WithDefault("16777216")
  long blockCacheBytes();

  /** RocksDB's memtables together (charged to the block cache): bytes, off the Java heap. */
  @WithDefault("8388608")
  long writeBufferBytes();

  /**
   * How long a deleted document still answers "deleted" before its status is removed, in the status
   * records' own time (so every replica removes it at the same point of the topic).
   */
  @WithDefault("24h")
  Duration deletedRetention();
}
