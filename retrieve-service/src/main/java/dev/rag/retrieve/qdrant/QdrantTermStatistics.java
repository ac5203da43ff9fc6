package dev.rag.retrieve.qdrant;

import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchKeyword;

import dev.rag.retrieve.TermStatistics;
import io.qdrant.client.grpc.Common.Filter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Document frequencies counted by Qdrant among one tenant's points, from the indexed {@value
 * QdrantCollections#TERMS} payload: one exact count per query term and one for the tenant's
 * passages, all at once. Nothing is kept between queries, so deletions, redeliveries and other
 * replicas' writes are reflected as soon as Qdrant has them, and there is no state to rebuild.
 * (Counting with a source filter as well would give per-source statistics.)
 */
@ApplicationScoped
public class QdrantTermStatistics implements TermStatistics {

  private final QdrantCollections collections;

  QdrantTermStatistics(QdrantCollections collections) {
    this.collections = collections;
  }

  @Override
  public CompletableFuture<TermCounts> count(String tenant, String modelId, int[] termIds) {
    String collection = collections.name(modelId);
    if (!collections.exists(collection)) {
      return CompletableFuture.completedFuture(new TermCounts(0, new long[termIds.length]));
    }
    CompletableFuture<Long> passages =
        count(
            collection,
            Filter.newBuilder()
                .addMust(matchKeyword(QdrantCollections.TENANT, tenant))
                .addMustNot(isEmpty(QdrantCollections.TERMS))
                .build());
    List<CompletableFuture<Long>> frequencies = new ArrayList<>(termIds.length);
    for (int id : termIds) {
      frequencies.add(
          count(
              collection,
              Filter.newBuilder()
                  .addMust(matchKeyword(QdrantCollections.TENANT, tenant))
                  .addMust(match(QdrantCollections.TERMS, Integer.toUnsignedLong(id)))
                  .build()));
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

  private CompletableFuture<Long> count(String collection, Filter filter) {
    return collections
        .completable(
            collections.client().countAsync(collection, filter, true, collections.timeout()))
        .exceptionally(
            e -> {
              if (QdrantCollections.notFound(e)) {
                // Deleted behind this service's back: nothing indexed.
                return 0L;
              }
              throw e instanceof java.util.concurrent.CompletionException c
                  ? c
                  : new java.util.concurrent.CompletionException(e);
            });
  }
}
