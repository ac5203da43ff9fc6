package dev.rag.retrieve.qdrant;

import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;

import dev.rag.retrieve.TermStatistics;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.model.TermCounts;
import io.qdrant.client.grpc.Common.Filter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Document frequencies counted by Qdrant among one tenant's points, from the indexed {@value
 * QdrantCollections#TERMS} payload: one exact count per query term and one for the tenant's
 * passages, all at once. Derived from the points themselves, the counts follow deletions,
 * redeliveries and other replicas' writes with no state to rebuild. A count is reused for {@code
 * retrieve.lexical.statistics-ttl} (a common term's count costs milliseconds in a large tenant;
 * statistics that lag the tenant's own writes by seconds do not change its rankings noticeably).
 * Counted among some of the tenant's sources, the source filter is part of each count (and of the
 * key it is reused under).
 */
@ApplicationScoped
public class QdrantTermStatistics implements TermStatistics {

  /** The term id under which a tenant's passage count is kept. */
  private static final long PASSAGES = -1;

  /**
   * A count: of a term (or of the passages) in a collection, among a tenant's (sources') points.
   */
  private record Key(String collection, String tenant, List<String> sources, long term) {}

  private record Count(long value, long countedAt) {}

  private final QdrantCollections collections;
  private final long ttlNanos;

  /** Recent counts; the least recently used go first. */
  private final Map<Key, Count> recent =
      Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Count> eldest) {
              return size() > 200_000;
            }
          });

  QdrantTermStatistics(QdrantCollections collections, RetrieveConfig config) {
    this.collections = collections;
    this.ttlNanos = config.lexical().statisticsTtl().toNanos();
    collections.onForget(recent::clear);
  }

  @Override
  public CompletableFuture<TermCounts> count(
      String tenant, List<String> sources, String modelId, int[] termIds) {
    String collection = collections.name(modelId);
    if (!collections.exists(collection)) {
      return CompletableFuture.completedFuture(new TermCounts(0, new long[termIds.length]));
    }
    List<String> among = sources.stream().sorted().distinct().toList();
    CompletableFuture<Long> passages =
        count(
            new Key(collection, tenant, among, PASSAGES),
            scope(tenant, among).addMustNot(isEmpty(QdrantCollections.TERMS)).build());
    List<CompletableFuture<Long>> frequencies = new ArrayList<>(termIds.length);
    for (int id : termIds) {
      long term = Integer.toUnsignedLong(id);
      frequencies.add(
          count(
              new Key(collection, tenant, among, term),
              scope(tenant, among).addMust(match(QdrantCollections.TERMS, term)).build()));
    }
    return CompletableFuture.allOf(frequencies.toArray(CompletableFuture[]::new))
        .thenCombine(
            passages,
            (ignored, n) -> {
              long[] df = new long[termIds.length];
              for (int i = 0; i < df.length; i++) {
                df[i] = frequencies.get(i).join();
              }
              return new TermCounts(n, df);
            });
  }

  private static Filter.Builder scope(String tenant, List<String> sources) {
    Filter.Builder filter =
        Filter.newBuilder().addMust(matchKeyword(QdrantCollections.TENANT, tenant));
    if (!sources.isEmpty()) {
      filter.addMust(matchKeywords(QdrantCollections.SOURCE, sources));
    }
    return filter;
  }

  private CompletableFuture<Long> count(Key key, Filter filter) {
    Count known = recent.get(key);
    long now = System.nanoTime();
    if (known != null && now - known.countedAt() < ttlNanos) {
      return CompletableFuture.completedFuture(known.value());
    }
    return collections
        .completable(
            collections.client().countAsync(key.collection(), filter, true, collections.timeout()))
        .thenApply(
            n -> {
              if (ttlNanos > 0) {
                recent.put(key, new Count(n, now));
              }
              return n;
            })
        .exceptionally(
            e -> {
              if (QdrantCollections.notFound(e)) {
                // Deleted behind this service's back: nothing indexed.
                return 0L;
              }
              throw e instanceof CompletionException c ? c : new CompletionException(e);
            });
  }
}
