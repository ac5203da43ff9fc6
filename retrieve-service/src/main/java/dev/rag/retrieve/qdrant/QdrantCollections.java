package dev.rag.retrieve.qdrant;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.InvalidEventException;
import dev.rag.retrieve.StoreRejectedException;
import dev.rag.retrieve.config.RetrieveConfig;
import io.grpc.ChannelCredentials;
import io.grpc.DecompressorRegistry;
import io.grpc.Grpc;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Points.SearchParams;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The Qdrant client and the collections this service keeps there: one per embedding model, {@code
 * <prefix>__<model>}, with the model's dense vector, the sparse vector {@value #LEXICAL} (BM25 term
 * weights, no IDF modifier: {@link QdrantTermStatistics} weighs query terms by the tenant's own
 * statistics) and payload indexes. Every call waits at most the configured timeout, and a failed
 * call is reported as this service's exceptions ({@link #translate}).
 */
@ApplicationScoped
public class QdrantCollections {

  private static final Logger LOG = Logger.getLogger(QdrantCollections.class);

  /** Name of the lexical sparse vector. */
  public static final String LEXICAL = "lexical";

  static final String TENANT = "tenant";
  static final String SOURCE = "source";
  static final String DOCUMENT_ID = "document_id";
  static final String VERSION = "version";
  static final String CHUNK_INDEX = "chunk_index";

  /** The distinct lexical term ids of a passage: what tenant-local document frequencies count. */
  static final String TERMS = "terms";

  private final QdrantClient client;
  private final String prefix;
  private final int shardNumber;
  private final int replicationFactor;
  private final int writeConsistencyFactor;
  private final int readAttempts;
  private final long readBackoffMillis;
  private final Duration timeout;
  private final Set<String> knownVectors = ConcurrentHashMap.newKeySet();

  /**
   * Collections seen to exist in the current format: this service never deletes one, so a query
   * need not ask again (a round trip per query). One deleted behind its back is forgotten at the
   * first NOT_FOUND.
   */
  private final Set<String> existing = ConcurrentHashMap.newKeySet();

  private final List<Runnable> onForget = new CopyOnWriteArrayList<>();
  private final LexicalStatisticsMigration migration;
  private final VectorIndexSettings index;
  private final PayloadIndexes payloadIndexes;

  QdrantCollections(RetrieveConfig config) {
    RetrieveConfig.Qdrant q = config.qdrant();
    ManagedChannelBuilder<?> channel;
    if (q.hosts().isPresent() && !q.hosts().get().isEmpty()) {
      QdrantAddresses.register();
      String target = QdrantAddresses.target(q.hosts().get());
      channel =
          q.tls()
              ? Grpc.newChannelBuilder(target, tlsCredentials(q))
              : ManagedChannelBuilder.forTarget(target).usePlaintext();
      channel.defaultLoadBalancingPolicy("round_robin");
    } else {
      channel =
          q.tls()
              ? Grpc.newChannelBuilderForAddress(q.host(), q.port(), tlsCredentials(q))
              : ManagedChannelBuilder.forAddress(q.host(), q.port()).usePlaintext();
    }
    if (!q.compression()) {
      // Qdrant gzips its answers when the client says it can read gzip; say it cannot.
      channel.decompressorRegistry(DecompressorRegistry.emptyInstance());
    }
    QdrantGrpcClient.Builder grpc =
        QdrantGrpcClient.newBuilder(channel.build(), true, false).withTimeout(q.timeout());
    q.apiKey().ifPresent(grpc::withApiKey);
    this.client = new QdrantClient(grpc.build());
    this.prefix = q.collection();
    this.timeout = q.timeout();
    this.shardNumber = q.shardNumber();
    this.replicationFactor = q.replicationFactor();
    this.writeConsistencyFactor = q.writeConsistencyFactor();
    this.readAttempts = Math.max(1, q.readAttempts());
    this.readBackoffMillis = Math.max(0, q.readBackoff().toMillis());
    this.migration = new LexicalStatisticsMigration(this);
    this.index = new VectorIndexSettings(q.index());
    this.payloadIndexes = new PayloadIndexes(this, index.payloadOnDisk());
  }

  /** TLS trusting the JVM's authorities, or only those of {@code ca-certificate}. */
  private static ChannelCredentials tlsCredentials(RetrieveConfig.Qdrant q) {
    if (q.caCertificate().isEmpty()) {
      return TlsChannelCredentials.create();
    }
    File authorities = new File(q.caCertificate().get());
    try {
      return TlsChannelCredentials.newBuilder().trustManager(authorities).build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "retrieve.qdrant.ca-certificate: cannot read " + authorities, e);
    }
  }

  /** The search parameters of a dense query ({@code retrieve.qdrant.index.*}). */
  SearchParams denseSearch() {
    return index.search();
  }

  /**
   * Brings each dense vector of an existing collection to the configured index settings: a change
   * of {@code retrieve.qdrant.index.*} takes effect at the next start, Qdrant rebuilding in the
   * background while searches go on.
   */
  private void applyIndexSettings(String collection) {
    CollectionInfo info = await(client.getCollectionInfoAsync(collection, timeout));
    for (String vector :
        info.getConfig().getParams().getVectorsConfig().getParamsMap().getMapMap().keySet()) {
      index
          .update(collection, vector, info)
          .ifPresent(
              update -> {
                await(client.updateCollectionAsync(update, timeout));
                LOG.infof(
                    "Applied the configured vector index settings to %s (%s)", collection, vector);
              });
    }
    index
        .updateSparse(collection, LEXICAL, info)
        .ifPresent(
            update -> {
              await(client.updateCollectionAsync(update, timeout));
              LOG.infof(
                  "Moved the %s index of %s %s",
                  LEXICAL,
                  collection,
                  index.sparse().getIndex().getOnDisk() ? "to disk" : "to memory");
            });
  }

  @PreDestroy
  void close() {
    client.close();
  }

  QdrantClient client() {
    return client;
  }

  /** The deadline of each call. */
  Duration timeout() {
    return timeout;
  }

  /**
   * The collection of a model's passages: each model has its own, so switching models never mixes
   * vector spaces, and a reindex builds the new one while the old one keeps serving.
   */
  public String name(String modelId) {
    return prefix + "__" + modelId.replaceAll("[^A-Za-z0-9]", "_");
  }

  /** Every collection of passages this service made, whatever the model. */
  List<String> all() {
    return await(client.listCollectionsAsync(timeout)).stream()
        .filter(c -> c.startsWith(prefix + "__"))
        .toList();
  }

  /** The payload indexes of the collections. */
  PayloadIndexes payloadIndexes() {
    return payloadIndexes;
  }

  /** Runs when collections are forgotten (one was deleted behind this service's back). */
  void onForget(Runnable action) {
    onForget.add(action);
  }

  /** Whether Qdrant answers its health check. */
  boolean healthy() {
    try {
      await(client.healthCheckAsync(timeout));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the collection exists; one made by an earlier version of this service is brought to the
   * current format first ({@link LexicalStatisticsMigration}).
   */
  boolean exists(String collection) {
    if (existing.contains(collection)) {
      return true;
    }
    boolean exists = await(client.collectionExistsAsync(collection, timeout));
    if (exists) {
      synchronized (this) {
        if (!existing.contains(collection)) {
          migration.migrate(collection);
          applyIndexSettings(collection);
          existing.add(collection);
        }
      }
    }
    return exists;
  }

  /** Makes sure the collection of the model exists with a dense vector of this dimension. */
  void ensure(String modelId, int dimension) {
    String collection = name(modelId);
    if (knownVectors.contains(modelId)) {
      return;
    }
    synchronized (this) {
      if (knownVectors.contains(modelId)) {
        return;
      }
      if (!exists(collection)) {
        create(collection, modelId, dimension);
        exists(collection);
      }
      CollectionInfo info = await(client.getCollectionInfoAsync(collection, timeout));
      VectorParamsMap vectors = info.getConfig().getParams().getVectorsConfig().getParamsMap();
      VectorParams params = vectors.getMapMap().get(modelId);
      if (params == null) {
        throw new InvalidEventException(
            "collection '"
                + collection
                + "' has no vector for model '"
                + modelId
                + "' (it has "
                + vectors.getMapMap().keySet()
                + "); reindex into a collection for the new model");
      }
      if (params.getSize() != dimension) {
        throw new InvalidEventException(
            "model '"
                + modelId
                + "' vectors have dimension "
                + dimension
                + " but the collection expects "
                + params.getSize());
      }
      if (!info.getConfig().getParams().getSparseVectorsConfig().getMapMap().containsKey(LEXICAL)) {
        throw new InvalidEventException(
            "collection '"
                + collection
                + "' was created without the '"
                + LEXICAL
                + "' sparse vector; delete it (or set retrieve.qdrant.collection) and replay the"
                + " documents topic");
      }
      knownVectors.add(modelId);
    }
  }

  private void create(String collection, String modelId, int dimension) {
    try {
      await(
          client.createCollectionAsync(
              CreateCollection.newBuilder()
                  .setCollectionName(collection)
                  .setVectorsConfig(
                      VectorsConfig.newBuilder()
                          .setParamsMap(
                              VectorParamsMap.newBuilder()
                                  .putMap(
                                      modelId,
                                      index
                                          .apply(
                                              VectorParams.newBuilder()
                                                  .setSize(dimension)
                                                  .setDistance(Distance.Cosine))
                                          .build())))
                  .setSparseVectorsConfig(
                      SparseVectorConfig.newBuilder().putMap(LEXICAL, index.sparse()))
                  .setShardNumber(shardNumber)
                  .setReplicationFactor(replicationFactor)
                  .setWriteConsistencyFactor(Math.min(writeConsistencyFactor, replicationFactor))
                  .build(),
              timeout));
    } catch (RuntimeException e) {
      boolean exists =
          (e instanceof StatusRuntimeException s
                  && s.getStatus().getCode() == Status.Code.ALREADY_EXISTS)
              || String.valueOf(e.getMessage()).contains("already exists");
      if (!exists) {
        throw e;
      }
      // Another instance made it at the same moment; it makes the indexes too.
      return;
    }
    payloadIndexes.create(collection);
    LOG.infof("Created Qdrant collection %s with vector %s (%d)", collection, modelId, dimension);
  }

  /** The result of a call, within the timeout, failing as {@link #translate} says. */
  <T> T await(ListenableFuture<T> future) {
    try {
      return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new DependencyUnavailableException("Qdrant did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException("interrupted while waiting for Qdrant", e);
    }
  }

  /**
   * The call as a future that completes within the timeout, failing with what {@link #await} would
   * throw.
   */
  <T> CompletableFuture<T> completable(ListenableFuture<T> future) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Futures.addCallback(
        future,
        new FutureCallback<T>() {
          @Override
          public void onSuccess(T value) {
            result.complete(value);
          }

          @Override
          public void onFailure(Throwable t) {
            result.completeExceptionally(translate(t));
          }
        },
        MoreExecutors.directExecutor());
    return result
        .orTimeout(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              if (cause(e) instanceof TimeoutException t) {
                future.cancel(true);
                return CompletableFuture.failedFuture(
                    new DependencyUnavailableException(
                        "Qdrant did not answer within " + timeout, t));
              }
              return CompletableFuture.failedFuture(cause(e));
            });
  }

  /**
   * A read that is tried again, on the next node, when it failed for a passing reason ({@link
   * #passing}): at most {@code retrieve.qdrant.read-attempts} tries, the pause between them
   * doubling from {@code retrieve.qdrant.read-backoff}.
   */
  <T> CompletableFuture<T> read(Supplier<ListenableFuture<T>> call) {
    return read(call, 1);
  }

  private <T> CompletableFuture<T> read(Supplier<ListenableFuture<T>> call, int attempt) {
    return completable(call.get())
        .exceptionallyCompose(
            e -> {
              if (attempt >= readAttempts || !passing(cause(e))) {
                return CompletableFuture.failedFuture(cause(e));
              }
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(
                          pauseBefore(attempt + 1, readBackoffMillis), TimeUnit.MILLISECONDS))
                  .thenCompose(v -> read(call, attempt + 1));
            });
  }

  /** The pause before try {@code attempt} (2 or more): the backoff, doubled for each try after. */
  static long pauseBefore(int attempt, long backoffMillis) {
    return backoffMillis << Math.min(attempt - 2, 16);
  }

  /**
   * Whether a failed read may succeed on another node at once: the node was down or went away
   * mid-call, shed load, or could not read one copy of a shard (another copy can). A timeout is not
   * one (the deadline is spent), nor a refused request.
   */
  static boolean passing(Throwable failure) {
    Throwable e = failure instanceof DependencyUnavailableException d ? d.getCause() : failure;
    if (!(e instanceof StatusRuntimeException s)) {
      return false;
    }
    return switch (s.getStatus().getCode()) {
      case UNAVAILABLE, RESOURCE_EXHAUSTED, ABORTED -> true;
      case INTERNAL -> String.valueOf(s.getStatus().getDescription()).contains("operations failed");
      default -> false;
    };
  }

  static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  /** Whether a failure says the collection is gone. */
  static boolean notFound(Throwable e) {
    return cause(e) instanceof StatusRuntimeException s
        && s.getStatus().getCode() == Status.Code.NOT_FOUND;
  }

  /**
   * A failed call as this service reports it: {@link DependencyUnavailableException} when Qdrant
   * cannot take the call now, whatever the request (down, overloaded or rate-limited, a write
   * conflict, writes disabled, a key it refuses); {@link StoreRejectedException} when it refuses
   * the request itself; the gRPC status otherwise (an internal error, a collection not found), of
   * which one cannot tell whether a retry may help.
   */
  RuntimeException translate(Throwable cause) {
    if (cause instanceof StatusRuntimeException s) {
      Status.Code code = s.getStatus().getCode();
      switch (code) {
        case UNAVAILABLE,
            DEADLINE_EXCEEDED,
            RESOURCE_EXHAUSTED,
            ABORTED,
            CANCELLED,
            FAILED_PRECONDITION,
            PERMISSION_DENIED,
            UNAUTHENTICATED,
            UNIMPLEMENTED -> {
          return new DependencyUnavailableException(
              "Qdrant cannot take it now: " + s.getStatus(), s);
        }
        case INVALID_ARGUMENT, OUT_OF_RANGE -> {
          return new StoreRejectedException("Qdrant refused the request: " + s.getStatus(), s);
        }
        case NOT_FOUND -> {
          // A collection deleted behind this service's back: check again from now on.
          existing.clear();
          knownVectors.clear();
          onForget.forEach(Runnable::run);
          return s;
        }
        default -> {
          return s;
        }
      }
    }
    if (cause instanceof RuntimeException r
        && (r instanceof DependencyUnavailableException || r instanceof StoreRejectedException)) {
      return r;
    }
    return new IllegalStateException("Qdrant call failed", cause);
  }
}
