package dev.rag.retrieve;

import dev.rag.retrieve.model.Passage;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps the real (Qdrant) repository in this module's tests and records, per tenant, how many
 * scopes each search covered. Everything else passes through unchanged.
 */
@Decorator
@Priority(1)
public abstract class CountingPassageRepository implements PassageRepository {

  /** One call of {@link #searchAsync}: how many scopes it searched. */
  record Search(int scopes) {}

  private static final Map<String, List<Search>> searches = new ConcurrentHashMap<>();

  @Inject @Delegate PassageRepository delegate;

  /** The searches made for a tenant so far. */
  static List<Search> searchesOf(String tenant) {
    return List.copyOf(searches.getOrDefault(tenant, List.of()));
  }

  @Override
  public CompletableFuture<List<List<Passage>>> searchAsync(
      String tenant,
      List<SearchScope> scopes,
      PassageFilter filter,
      QueryVectors query,
      int depth) {
    searches
        .computeIfAbsent(tenant, t -> new CopyOnWriteArrayList<>())
        .add(new Search(scopes.size()));
    return delegate.searchAsync(tenant, scopes, filter, query, depth);
  }
}
