package dev.rag.retrieve;

import dev.rag.retrieve.PassageRepository.QueryVectors;
import dev.rag.retrieve.PassageRepository.ScopeHits;
import dev.rag.retrieve.PassageRepository.SearchScope;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.lexical.LexicalEncoder;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.SparseVector;
import dev.rag.retrieve.ranking.Diversifier;
import dev.rag.retrieve.ranking.EvidenceReranker;
import dev.rag.retrieve.ranking.HybridFusion;
import dev.rag.retrieve.ranking.NearDuplicates;
import dev.rag.retrieve.ranking.SourceFusion;
import dev.rag.retrieve.ranking.TermMemo;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Answering a query with the tenant's most relevant passages, in one of four modes: dense, sparse,
 * hybrid (both fused within the searched scope), or full (each source searched on its own, fused
 * across sources, near-duplicates collapsed, diversified).
 */
@ApplicationScoped
public class RetrieveService {

  private final QueryEmbedder embedder;
  private final PassageRepository repository;
  private final LexicalEncoder lexical;
  private final TermStatistics statistics;
  private final RetrieveConfig config;
  private final Diversifier diversifier;

  RetrieveService(
      QueryEmbedder embedder,
      PassageRepository repository,
      TermStatistics statistics,
      LexicalEncoder lexical,
      RetrieveConfig config) {
    this.embedder = embedder;
    this.repository = repository;
    this.statistics = statistics;
    this.lexical = lexical;
    this.config = config;
    this.diversifier =
        new Diversifier(config.full().diversityLambda(), config.full().maxPerDocument(), 0.5);
  }

  /** The result of a query. */
  public record Result(String modelId, RetrievalMode mode, List<Passage> passages) {}

  /**
   * @throws InvalidQueryException when the query breaks the contract
   * @throws DependencyUnavailableException when embed-service or Qdrant cannot answer
   */
  public Result retrieve(RetrievalQuery query) {
    return retrieve(query, () -> false);
  }

  /**
   * Answers a query while its caller still wants the answer: once {@code abandoned} says the caller
   * has gone (cancelled, or its deadline passed), no further work starts.
   *
   * @throws InvalidQueryException when the query breaks the contract
   * @throws DependencyUnavailableException when embed-service or Qdrant cannot answer
   * @throws QueryAbandonedException when the caller went away before the searches started
   */
  public Result retrieve(RetrievalQuery query, BooleanSupplier abandoned) {
    String text = validate(query);
    int topK = query.topK() == 0 ? config.defaultTopK() : query.topK();
    RetrievalMode mode = query.mode() == null ? RetrievalMode.FULL : query.mode();
    HybridSettings hybrid = hybrid(query.hybrid());
    int depth = Math.max(hybrid.depth(), mode == RetrievalMode.FULL ? 2 * topK : topK);

    String tenant = query.tenant();
    PassageFilter filter = query.filter() == null ? PassageFilter.NONE : query.filter();
    SparseVector sparse = mode == RetrievalMode.DENSE ? null : lexical.encodeQuery(text);
    if (sparse != null && sparse.isEmpty()) {
      sparse = null;
    }
    // Which sources to search, and the lexical search, need no inference: they start now and run
    // in Qdrant while the query is embedded here.
    String modelId = embedder.currentModel();
    CompletableFuture<List<SearchScope>> scopes = scopes(query, mode, modelId);
    CompletableFuture<List<List<Passage>>> sparseHits =
        search(tenant, scopes, filter, modelId, null, sparse, depth);
    float[] dense = null;
    if (mode != RetrievalMode.SPARSE) {
      QueryEmbedder.QueryVector v = embedder.embedQuery(text);
      dense = v.vector();
      if (!v.modelId().equals(modelId)) {
        // embed-service switched models under this query: search the new model's index only.
        modelId = v.modelId();
        scopes = scopes(query, mode, modelId);
        sparseHits = search(tenant, scopes, filter, modelId, null, sparse, depth);
      }
    }
    if (abandoned.getAsBoolean()) {
      // Embedding was the slow part; nobody waits for the searches any more.
      throw new QueryAbandonedException();
    }
    CompletableFuture<List<List<Passage>>> denseHits =
        search(tenant, scopes, filter, modelId, dense, null, depth);
    List<SearchScope> searched = PassageRepository.join(scopes);
    List<ScopeHits> hits =
        ScopeHits.of(
            searched, PassageRepository.join(denseHits), PassageRepository.join(sparseHits));
    if (searched.isEmpty() || (dense == null && sparse == null)) {
      return new Result(modelId, mode, List.of());
    }

    List<Passage> ranked =
        switch (mode) {
          case DENSE -> byFinal(hits.get(0).dense(), p -> p.scores().dense());
          case SPARSE -> byFinal(hits.get(0).sparse(), p -> p.scores().sparse());
          case HYBRID ->
              HybridFusion.fuse(
                  hits.get(0).dense(), hits.get(0).sparse(), hybrid.fusion(), hybrid.denseWeight());
          case FULL -> full(hits, query, hybrid, topK, depth, modelId);
        };
    if (mode != RetrievalMode.FULL) {
      ranked = repository.load(modelId, ranked.subList(0, Math.min(topK, ranked.size())));
    }
    return new Result(modelId, mode, ranked.subList(0, Math.min(topK, ranked.size())));
  }

  /**
   * The scopes searched: each source on its own in FULL mode (all the tenant has when the query
   * names none), else one scope over the query's sources.
   */
  private CompletableFuture<List<SearchScope>> scopes(
      RetrievalQuery query, RetrievalMode mode, String modelId) {
    if (mode != RetrievalMode.FULL) {
      return CompletableFuture.completedFuture(List.of(new SearchScope("all", query.sources())));
    }
    if (!query.sources().isEmpty()) {
      return CompletableFuture.completedFuture(perSource(query.sources()));
    }
    int most = config.limits().maxSources();
    return repository
        .sourcesAsync(query.tenant(), modelId)
        .thenApply(
            // More sources than one query may search one by one: all of them at once instead.
            all -> all.size() > most ? List.of(new SearchScope("all", List.of())) : perSource(all));
  }

  private static List<SearchScope> perSource(List<String> sources) {
    return sources.stream().map(s -> new SearchScope(s, List.of(s))).toList();
  }

  /**
   * One signal's search once the scopes are known; null when the signal is not used. The lexical
   * query's terms are first weighted by their IDF among the tenant's own passages.
   */
  private CompletableFuture<List<List<Passage>>> search(
      String tenant,
      CompletableFuture<List<SearchScope>> scopes,
      PassageFilter filter,
      String modelId,
      float[] dense,
      SparseVector sparse,
      int depth) {
    if (dense == null && sparse == null) {
      return null;
    }
    CompletableFuture<SparseVector> weighed =
        sparse == null
            ? CompletableFuture.completedFuture(null)
            : statistics
                .count(tenant, modelId, sparse.indices())
                .thenApply(counts -> LexicalEncoder.weighQuery(sparse, counts));
    // The continuations may run on a Qdrant client thread: they carry this request's trace there.
    Context trace = Context.current();
    return weighed.thenCompose(
        trace.wrapFunction(
            lexicalQuery ->
                scopes.thenCompose(
                    trace.wrapFunction(
                        list ->
                            repository.searchAsync(
                                tenant,
                                list,
                                filter,
                                new QueryVectors(modelId, dense, lexicalQuery),
                                depth)))));
  }

  private List<Passage> full(
      List<ScopeHits> hits,
      RetrievalQuery query,
      HybridSettings hybrid,
      int topK,
      int depth,
      String modelId) {
    List<SourceFusion.SourceHits> sources = new ArrayList<>();
    for (ScopeHits h : hits) {
      sources.add(new SourceFusion.SourceHits(h.name(), h.dense(), h.sparse()));
    }
    List<Passage> fused =
        SourceFusion.fuse(
            sources,
            query.sourceWeights(),
            hybrid.fusion(),
            hybrid.denseWeight(),
            config.full().normalization(),
            depth);
    RetrieveConfig.Rerank r = config.rerank();
    RerankSettings o = query.rerank();
    boolean rerank = r.enabled() && (o == null || !o.disabled());
    // Enough unique passages to rerank and diversify, without comparing the whole pool.
    int keep = Math.max(2 * topK, rerank ? r.depth() : 0);
    // Only the best candidates get their text: half again as many as kept, for duplicates to go.
    List<Passage> loaded =
        repository.load(modelId, fused.subList(0, Math.min(fused.size(), keep + keep / 2)));
    TermMemo memo = new TermMemo();
    List<Passage> unique =
        NearDuplicates.collapse(loaded, config.full().duplicateThreshold(), keep, memo);
    if (rerank) {
      double context =
          o == null || Double.isNaN(o.contextWeight()) ? r.contextWeight() : o.contextWeight();
      double proximity =
          o == null || Double.isNaN(o.proximityWeight())
              ? r.proximityWeight()
              : o.proximityWeight();
      unique = new EvidenceReranker(context, proximity).rerank(query.text(), unique, memo);
    }
    return diversifier.diversify(unique, topK, memo);
  }

  private static List<Passage> byFinal(List<Passage> passages, ToDoubleFunction<Passage> score) {
    List<Passage> ranked = new ArrayList<>(passages.size());
    for (Passage p : passages) {
      ranked.add(p.withScores(p.scores().withFinal(score.applyAsDouble(p))));
    }
    ranked.sort(Comparator.comparingDouble((Passage p) -> p.scores().finalScore()).reversed());
    return ranked;
  }

  private HybridSettings hybrid(HybridSettings override) {
    RetrieveConfig.Hybrid d = config.hybrid();
    if (override == null) {
      return new HybridSettings(d.fusion(), d.denseWeight(), d.depth());
    }
    double weight = Double.isNaN(override.denseWeight()) ? d.denseWeight() : override.denseWeight();
    if (weight < 0 || weight > 1) {
      throw new InvalidQueryException("hybrid.dense_weight", "dense_weight must be in [0, 1]");
    }
    int depth = override.depth() == 0 ? d.depth() : override.depth();
    if (depth < 1 || depth > 1000) {
      throw new InvalidQueryException("hybrid.depth", "depth must be between 1 and 1000");
    }
    return new HybridSettings(
        override.fusion() == null ? d.fusion() : override.fusion(), weight, depth);
  }

  private String validate(RetrievalQuery query) {
    if (query.tenant() == null || query.tenant().isBlank()) {
      throw new InvalidQueryException("tenant", "tenant is required");
    }
    String text = query.text() == null ? "" : query.text().strip();
    if (text.isEmpty()) {
      throw new InvalidQueryException("query", "query must not be blank");
    }
    if (text.length() > config.limits().maxQueryChars()) {
      throw new InvalidQueryException(
          "query", "query is longer than " + config.limits().maxQueryChars() + " characters");
    }
    int topK = query.topK() == 0 ? config.defaultTopK() : query.topK();
    if (topK < 1 || topK > config.limits().maxTopK()) {
      throw new InvalidQueryException(
          "top_k", "top_k must be between 1 and " + config.limits().maxTopK());
    }
    if (query.sources().size() > config.limits().maxSources()) {
      throw new InvalidQueryException(
          "sources", "at most " + config.limits().maxSources() + " sources may be named");
    }
    for (var w : query.sourceWeights().entrySet()) {
      if (!(w.getValue() >= 0) || w.getValue() > 100) {
        throw new InvalidQueryException(
            "source_weights." + w.getKey(), "a source weight must be between 0 and 100");
      }
    }
    return text;
  }

  /** Documents and passages per source of a tenant, in a model's index (default: the current). */
  public List<PassageRepository.SourceCount> stats(String tenant, String modelId) {
    if (tenant == null || tenant.isBlank()) {
      throw new InvalidQueryException("tenant", "tenant is required");
    }
    return repository.stats(
        tenant, modelId == null || modelId.isBlank() ? embedder.currentModel() : modelId);
  }

  /** Most passages of one document a read returns: ingest's most chunks per document. */
  public static final int MAX_DOCUMENT_PASSAGES = 2000;

  /**
   * A document's passages in chunk order, in the current model's index.
   *
   * @param limit most passages, 1 to {@value #MAX_DOCUMENT_PASSAGES}; 0 means the most
   * @throws InvalidQueryException when the tenant, source or document id is missing, or the limit
   *     is out of range
   */
  public Result document(String tenant, String source, String documentId, int limit) {
    if (tenant == null || tenant.isBlank()) {
      throw new InvalidQueryException("tenant", "tenant is required");
    }
    if (source == null || source.isBlank()) {
      throw new InvalidQueryException("source", "source is required");
    }
    if (documentId == null || documentId.isBlank()) {
      throw new InvalidQueryException("document_id", "document_id is required");
    }
    if (limit < 0 || limit > MAX_DOCUMENT_PASSAGES) {
      throw new InvalidQueryException(
          "limit", "limit must be between 1 and " + MAX_DOCUMENT_PASSAGES + " (0: the most)");
    }
    String model = embedder.currentModel();
    return new Result(
        model,
        RetrievalMode.FULL,
        repository.documentPassages(
            model, tenant, source, documentId, limit == 0 ? MAX_DOCUMENT_PASSAGES : limit));
  }
}
