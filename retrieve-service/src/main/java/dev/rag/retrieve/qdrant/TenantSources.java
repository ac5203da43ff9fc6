package dev.rag.retrieve.qdrant;

import static io.qdrant.client.ConditionFactory.matchKeyword;

import io.grpc.Context;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points.FacetCounts;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sources each tenant has in a collection, for queries that search "all sources". Listing them
 * counts the tenant's points (a cost that grows with the index), so the last list is used for
 * {@link #FRESH} and renewed in the background once older; a source this instance indexes for the
 * first time is seen at once, one another instance indexes within {@link #FRESH}.
 */
final class TenantSources {

  /** How long a tenant's list of sources is used as it is. */
  static final Duration FRESH = Duration.ofSeconds(2);

  private record Known(List<String> sources, long listedAt, AtomicBoolean refreshing) {}

  private final QdrantCollections collections;

  /** The last listed sources per collection and tenant; the least recently used are dropped. */
  private final Map<String, Known> known =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
              return size() > 10_000;
            }
          });

  TenantSources(QdrantCollections collections) {
    this.collections = collections;
  }

  /** The tenant's sources in the collection (which must exist). */
  CompletableFuture<List<String>> of(String collection, String tenant) {
    Known last = known.get(key(collection, tenant));
    if (last == null) {
      return list(collection, tenant);
    }
    if (System.nanoTime() - last.listedAt() > FRESH.toNanos()
        && last.refreshing().compareAndSet(false, true)) {
      // Outside the query's gRPC context: the renewal outlives the query, and must not be
      // cancelled when the query ends or its caller goes away.
      Context.current()
          .fork()
          .run(
              () ->
                  list(collection, tenant).whenComplete((list, e) -> last.refreshing().set(false)));
    }
    return CompletableFuture.completedFuture(last.sources());
  }

  /** A passage of the tenant's source was indexed: a source not listed yet is listed afresh. */
  void indexed(String collection, String tenant, String source) {
    Known last = known.get(key(collection, tenant));
    if (last != null && !last.sources().contains(source)) {
      known.remove(key(collection, tenant));
    }
  }

  /** Forgets every list (a collection was deleted behind this service's back). */
  void clear() {
    known.clear();
  }

  private CompletableFuture<List<String>> list(String collection, String tenant) {
    return collections
        .completable(
            collections
                .client()
                .facetAsync(facetRequest(collection, tenantOnly(tenant)), collections.timeout()))
        .thenApply(
            hits -> {
              List<String> sources =
                  hits.stream().map(h -> h.getValue().getStringValue()).sorted().toList();
              known.put(
                  key(collection, tenant),
                  new Known(sources, System.nanoTime(), new AtomicBoolean()));
              return sources;
            })
        .exceptionally(
            e -> {
              if (QdrantCollections.notFound(e)) {
                // The collection was deleted by someone else: no sources.
                return List.of();
              }
              throw e instanceof CompletionException c ? c : new CompletionException(e);
            });
  }

  private static String key(String collection, String tenant) {
    return collection + '\n' + tenant;
  }

  /** Points per source among those the filter passes (exact counts). */
  static FacetCounts facetRequest(String collection, Filter filter) {
    return FacetCounts.newBuilder()
        .setCollectionName(collection)
        .setKey(QdrantCollections.SOURCE)
        .setFilter(filter)
        .setLimit(10_000)
        .setExact(true)
        .build();
  }

  /** Every point of the tenant. */
  static Filter tenantOnly(String tenant) {
    return Filter.newBuilder().addMust(matchKeyword(QdrantCollections.TENANT, tenant)).build();
  }
}
