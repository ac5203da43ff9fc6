package dev.rag.retrieve;

import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.SparseVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Where passages are stored and searched. Every read and delete is scoped to one tenant. */
public interface PassageRepository {

  /** Whether the store answers at all (its health check). */
  boolean healthy();

  /** Stores the batch's chunks; idempotent. */
  void upsert(EmbeddingBatch batch);

  /**
   * Removes every point of the document except those of {@code keepVersion}, in a model's index.
   */
  void deleteOtherVersions(String modelId, DocumentVersion document, String keepVersion);

  /** Removes every point of the document from a model's index. */
  void deleteDocument(String modelId, String tenant, String source, String documentId);

  /** What to search in one pass: a name for the results and the sources it covers (empty: all). */
  record SearchScope(String name, List<String> sources) {}

  /**
   * The query's vectors, for the index of {@code model}; either vector may be null to skip that
   * signal. {@code scopedSparse}, when set, gives each scope a lexical vector of its own (in scope
   * order: each scope's query as its own feedback expanded it) in place of {@code sparse}.
   */
  record QueryVectors(
      String model, float[] dense, SparseVector sparse, List<SparseVector> scopedSparse) {

    public QueryVectors(String model, float[] dense, SparseVector sparse) {
      this(model, dense, sparse, null);
    }

    /** A lexical search with one vector per scope. */
    public static QueryVectors lexical(String model, List<SparseVector> perScope) {
      return new QueryVectors(model, null, null, perScope);
    }

    /** Whether this is the lexical signal's search. */
    public boolean isLexical() {
      return dense == null && (sparse != null || scopedSparse != null);
    }

    /** The lexical vector scope {@code i} is searched with. */
    public SparseVector sparseFor(int i) {
      return scopedSparse != null ? scopedSparse.get(i) : sparse;
    }
  }

  /**
   * A scope's candidates per signal, best first, with the signal's score set. Candidates carry
   * their point id, source and document id only: {@link #load} fetches the rest for those kept.
   */
  record ScopeHits(String name, List<Passage> dense, List<Passage> sparse) {

    /** Each scope's hits from the two signals' results (either may be null: not searched). */
    public static List<ScopeHits> of(
        List<SearchScope> scopes, List<List<Passage>> dense, List<List<Passage>> sparse) {
      List<ScopeHits> hits = new ArrayList<>(scopes.size());
      for (int i = 0; i < scopes.size(); i++) {
        hits.add(
            new ScopeHits(
                scopes.get(i).name(),
                dense == null ? List.of() : dense.get(i),
                sparse == null ? List.of() : sparse.get(i)));
      }
      return hits;
    }
  }

  /**
   * Starts one signal's search in every scope, in one round trip: the dense signal when {@code
   * query.dense()} is set, else the sparse one. Completes (within the store's timeout) with each
   * scope's candidates in scope order, or fails with {@link DependencyUnavailableException} when
   * the store cannot answer.
   */
  CompletableFuture<List<List<Passage>>> searchAsync(
      String tenant, List<SearchScope> scopes, PassageFilter filter, QueryVectors query, int depth);

  /**
   * Starts scoring given points against one signal's query, in one round trip: for each scope, its
   * points (by id) with the score that signal's search gives them (the lexical query of scope
   * {@code i} is {@code query.sparseFor(i)}). A point the signal does not match (no query term, for
   * the lexical one) or that is gone is left out.
   */
  CompletableFuture<List<Map<String, Double>>> scoreAsync(
      String tenant, QueryVectors query, List<List<String>> pointIds);

  /** Runs both signals' searches of every scope, at the same time. */
  default List<ScopeHits> search(
      String tenant,
      List<SearchScope> scopes,
      PassageFilter filter,
      QueryVectors query,
      int depth) {
    CompletableFuture<List<List<Passage>>> dense =
        query.dense() == null
            ? null
            : searchAsync(
                tenant,
                scopes,
                filter,
                new QueryVectors(query.model(), query.dense(), null),
                depth);
    CompletableFuture<List<List<Passage>>> sparse =
        query.sparse() == null
            ? null
            : searchAsync(
                tenant,
                scopes,
                filter,
                new QueryVectors(query.model(), null, query.sparse()),
                depth);
    return ScopeHits.of(scopes, join(dense), join(sparse));
  }

  /** The candidates with their full payload (text, title, metadata...), in the same order. */
  List<Passage> load(String modelId, List<Passage> candidates);

  /**
   * Starts reading the lexical vectors of some points of a model's index, by point id; points gone
   * are left out.
   */
  CompletableFuture<Map<String, SparseVector>> lexicalVectorsAsync(
      String modelId, List<String> pointIds);

  /** Starts listing the sources the tenant has passages in, in a model's index, sorted. */
  CompletableFuture<List<String>> sourcesAsync(String tenant, String modelId);

  /** The sources the tenant has passages in, in a model's index, sorted. */
  default List<String> sources(String tenant, String modelId) {
    return join(sourcesAsync(tenant, modelId));
  }

  /**
   * The result of a future from this repository (null for null), rethrowing its failure as it was
   * raised.
   */
  static <T> T join(CompletableFuture<T> future) {
    if (future == null) {
      return null;
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Documents and passages per source. */
  record SourceCount(String source, long documents, long passages) {}

  List<SourceCount> stats(String tenant, String modelId);

  /**
   * A document's passages in a model's index, in chunk order, at most {@code limit} (the current
   * version's; while a new version replaces an old one, both may show).
   */
  List<Passage> documentPassages(
      String modelId, String tenant, String source, String documentId, int limit);
}
