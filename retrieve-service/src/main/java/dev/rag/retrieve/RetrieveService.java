package dev.rag.retrieve;

import dev.rag.retrieve.PassageRepository.QueryVectors;
import dev.rag.retrieve.PassageRepository.ScopeHits;
import dev.rag.retrieve.PassageRepository.SearchScope;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.lexical.LexicalEncoder;
import dev.rag.retrieve.lexical.QueryExpansion;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.SparseVector;
import dev.rag.retrieve.model.StatisticsScope;
import dev.rag.retrieve.ranking.DenseEnsemble;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Answering a query with the tenant's most relevant passages, in one of four modes: dense, sparse,
 * hybrid (both fused within the searched scope), or full (each source searched on its own, fused
 * across sources, near-duplicates collapsed, diversified).
 */
@ApplicationScoped
public class RetrieveService {

  private static final Logger LOG = Logger.getLogger(RetrieveService.class);

  private final QueryEmbedder embedder;
  private final PassageRepository repository;
  private final LexicalEncoder lexical;
  private final TermStatistics statistics;
  private final RetrieveConfig config;
  private final Diversifier diversifier;
  private final EnsembleModel ensemble;

  RetrieveService(
      QueryEmbedder embedder,
      EnsembleModel ensemble,
      PassageRepository repository,
      TermStatistics statistics,
      LexicalEncoder lexical,
      RetrieveConfig config) {
    this.embedder = embedder;
    this.ensemble = ensemble;
    this.repository = repository;
    this.statistics = statistics;
    this.lexical = lexical;
    this.config = config;
    this.diversifier =
        new Diversifier(config.full().diversityLambda(), config.full().maxPerDocument(), 0.5);
  }

  /** The result of a query. */
  public record Result(String modelId, RetrievalMode mode, List<Passage> passages) {}

  /** The lexical signal's candidates per scope, and the query vectors they were searched with. */
  private record LexicalHits(List<List<Passage>> hits, QueryVectors query) {}

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
    LexicalSettings lexicalSettings = lexical(query.lexical());
    SparseVector sparse = mode == RetrievalMode.DENSE ? null : lexical.encodeQuery(text);
    if (sparse != null && sparse.isEmpty()) {
      sparse = null;
    }
    // Which sources to search, and the lexical search, need no inference: they start now and run
    // in Qdrant while the query is embedded here.
    String modelId = embedder.currentModel();
    CompletableFuture<List<SearchScope>> scopes = scopes(query, mode, modelId);
    // Term statistics among the sources the query names (all of the tenant's when it names none):
    // the same for every scope, so that the scopes' lexical scores stay comparable.
    List<String> counted =
        lexicalSettings.statistics() == StatisticsScope.TENANT ? List.of() : query.sources();
    CompletableFuture<LexicalHits> sparseHits =
        lexicalSearch(tenant, scopes, filter, modelId, sparse, counted, lexicalSettings, depth);
    float[] dense = null;
    double ensembleWeight = ensembleWeight(query.ensemble());
    String second =
        mode == RetrievalMode.SPARSE || (query.ensemble() != null && query.ensemble().disabled())
            ? null
            : ensemble.modelId().orElse(null);
    // The second model embeds the query on its own thread while the live one does here.
    CompletableFuture<float[]> secondVector = second == null ? null : ensemble.embedAsync(text);
    if (mode != RetrievalMode.SPARSE) {
      QueryEmbedder.QueryVector v = embedder.embedQuery(text);
      dense = v.vector();
      if (!v.modelId().equals(modelId)) {
        // embed-service switched models under this query: search the new model's index only.
        modelId = v.modelId();
        scopes = scopes(query, mode, modelId);
        sparseHits =
            lexicalSearch(tenant, scopes, filter, modelId, sparse, counted, lexicalSettings, depth);
      }
    }
    if (abandoned.getAsBoolean()) {
      // Embedding was the slow part; nobody waits for the searches any more.
      throw new QueryAbandonedException();
    }
    CompletableFuture<List<List<Passage>>> denseHits =
        denseSearch(tenant, scopes, filter, modelId, dense, depth);
    float[] secondDense =
        second == null || second.equals(modelId) ? null : secondVector(second, secondVector);
    CompletableFuture<List<List<Passage>>> secondHits =
        denseSearch(tenant, scopes, filter, second, secondDense, depth);
    List<SearchScope> searched = PassageRepository.join(scopes);
    LexicalHits lexicalHits = PassageRepository.join(sparseHits);
    if (searched.isEmpty() || (dense == null && sparse == null)) {
      return new Result(modelId, mode, List.of());
    }
    Signals signals =
        new Signals(
            denseHits == null ? null : PassageRepository.join(denseHits),
            secondHits == null ? null : PassageRepository.join(secondHits),
            lexicalHits == null ? null : lexicalHits.hits());
    // Every signal's scores for every candidate, where each comes from one query vector.
    boolean complete =
        hybrid.completeScores()
            && (mode == RetrievalMode.HYBRID || mode == RetrievalMode.FULL)
            && dense != null
            && lexicalHits != null
            && !lexicalSettings.feedback();
    if (complete) {
      signals =
          complete(
              tenant,
              signals,
              new QueryVectors(modelId, dense, null),
              secondDense == null ? null : new QueryVectors(second, secondDense, null),
              lexicalHits.query());
    }
    List<List<Passage>> denseLists = signals.live();
    if (signals.second() != null) {
      denseLists = ensemble(signals.live(), signals.second(), modelId, ensembleWeight);
    }
    List<ScopeHits> hits = ScopeHits.of(searched, denseLists, signals.lexical());

    List<Passage> ranked =
        switch (mode) {
          case DENSE -> byFinal(hits.get(0).dense(), p -> p.scores().dense());
          case SPARSE -> byFinal(hits.get(0).sparse(), p -> p.scores().sparse());
          case HYBRID ->
              HybridFusion.fuse(
                  hits.get(0).dense(), hits.get(0).sparse(), hybrid.fusion(), hybrid.denseWeight());
          case FULL -> full(hits, query, hybrid, topK, depth, complete, modelId);
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

  /** Each signal's hits per scope: the live model's, a second model's, the lexical one's. */
  private record Signals(
      List<List<Passage>> live, List<List<Passage>> second, List<List<Passage>> lexical) {}

  /**
   * The signals with every candidate scored by each of them: the passages a signal did not return
   * are scored by it, all signals at once (one Qdrant call each). A second model scores them under
   * its own index's point ids.
   */
  private Signals complete(
      String tenant,
      Signals signals,
      QueryVectors live,
      QueryVectors second,
      QueryVectors lexical) {
    // Without a second model every list holds the live index's points under their own ids.
    Function<Passage, String> liveId = second == null ? Passage::pointId : pointIdIn(live.model());
    List<List<Passage>> liveLacking =
        ScoreCompletion.lacking(signals.live(), liveId, signals.lexical(), signals.second());
    List<List<Passage>> lexicalLacking =
        ScoreCompletion.lacking(signals.lexical(), liveId, signals.live(), signals.second());
    List<List<Passage>> secondLacking =
        second == null
            ? null
            : ScoreCompletion.lacking(
                signals.second(), pointIdIn(second.model()), signals.live(), signals.lexical());
    CompletableFuture<List<Map<String, Double>>> liveScores =
        repository.scoreAsync(tenant, live, ScoreCompletion.ids(liveLacking));
    CompletableFuture<List<Map<String, Double>>> secondScores =
        second == null
            ? null
            : repository.scoreAsync(tenant, second, ScoreCompletion.ids(secondLacking));
    CompletableFuture<List<Map<String, Double>>> lexicalScores =
        repository.scoreAsync(tenant, lexical, ScoreCompletion.ids(lexicalLacking));
    return new Signals(
        ScoreCompletion.add(
            signals.live(),
            liveLacking,
            PassageRepository.join(liveScores),
            ScoreCompletion.Signal.DENSE),
        second == null
            ? null
            : ScoreCompletion.add(
                signals.second(),
                secondLacking,
                PassageRepository.join(secondScores),
                ScoreCompletion.Signal.DENSE),
        ScoreCompletion.add(
            signals.lexical(),
            lexicalLacking,
            PassageRepository.join(lexicalScores),
            ScoreCompletion.Signal.SPARSE));
  }

  /**
   * A passage's point id in the index of {@code model} (tenant, source, document, version, chunk).
   */
  private static Function<Passage, String> pointIdIn(String model) {
    return p ->
        PointIds.of(p.tenant(), p.source(), p.documentId(), p.version(), p.chunkIndex(), model)
            .toString();
  }

  /**
   * The dense ensemble's signal: per scope, the live model's hits and the second model's merged by
   * the weighted mean of their similarities, under the live index's point ids.
   */
  private static List<List<Passage>> ensemble(
      List<List<Passage>> live, List<List<Passage>> second, String liveModel, double weight) {
    List<List<Passage>> merged = new ArrayList<>(live.size());
    for (int i = 0; i < live.size(); i++) {
      merged.add(DenseEnsemble.merge(live.get(i), second.get(i), weight, pointIdIn(liveModel)));
    }
    return merged;
  }

  /**
   * The second model's query vector; null when it failed, so that the query is answered from the
   * live model's index alone rather than not at all.
   */
  private static float[] secondVector(String model, CompletableFuture<float[]> vector) {
    try {
      return PassageRepository.join(vector);
    } catch (RuntimeException e) {
      LOG.warnf(
          "The ensemble model %s failed; this query searched the live index alone: %s",
          model, e.getMessage());
      return null;
    }
  }

  private double ensembleWeight(EnsembleSettings override) {
    if (override == null || Double.isNaN(override.weight())) {
      return config.ensemble().weight();
    }
    if (override.weight() < 0 || override.weight() > 1) {
      throw new InvalidQueryException("ensemble.weight", "weight must be in [0, 1]");
    }
    return override.weight();
  }

  /** The dense signal's search once the scopes are known; null when the signal is not used. */
  private CompletableFuture<List<List<Passage>>> denseSearch(
      String tenant,
      CompletableFuture<List<SearchScope>> scopes,
      PassageFilter filter,
      String modelId,
      float[] dense,
      int depth) {
    if (dense == null) {
      return null;
    }
    // The continuations may run on a Qdrant client thread: they carry this request's trace there.
    Context trace = Context.current();
    return scopes.thenCompose(
        trace.wrapFunction(
            list ->
                repository.searchAsync(
                    tenant, list, filter, new QueryVectors(modelId, dense, null), depth)));
  }

  /**
   * The lexical signal's search once the scopes are known; null when the signal is not used. The
   * query's terms are weighed by their IDF among the passages of the sources {@code counted}
   * (empty: the whole tenant's); with feedback, each scope is searched a second time with its query
   * expanded from its first search's best hits.
   */
  private CompletableFuture<LexicalHits> lexicalSearch(
      String tenant,
      CompletableFuture<List<SearchScope>> scopes,
      PassageFilter filter,
      String modelId,
      SparseVector terms,
      List<String> counted,
      LexicalSettings settings,
      int depth) {
    if (terms == null) {
      return null;
    }
    Context trace = Context.current();
    // The counts need no scopes: they run while the sources are listed.
    CompletableFuture<SparseVector> weighed =
        weigh(tenant, counted, modelId, List.of(terms)).thenApply(list -> list.get(0));
    CompletableFuture<LexicalHits> first =
        weighed.thenCompose(
            trace.wrapFunction(
                query ->
                    scopes.thenCompose(
                        trace.wrapFunction(
                            list -> {
                              QueryVectors vectors = new QueryVectors(modelId, null, query);
                              return repository
                                  .searchAsync(tenant, list, filter, vectors, depth)
                                  .thenApply(h -> new LexicalHits(h, vectors));
                            }))));
    if (!settings.feedback()) {
      return first;
    }
    return first.thenCompose(
        trace.wrapFunction(
            hits ->
                scopes.thenCompose(
                    trace.wrapFunction(
                        list ->
                            expanded(
                                tenant, list, filter, modelId, terms, counted, settings, hits,
                                depth)))));
  }

  /** Each scope's query vector weighed by the document frequencies among the sources counted. */
  private CompletableFuture<List<SparseVector>> weigh(
      String tenant, List<String> counted, String modelId, List<SparseVector> queries) {
    List<CompletableFuture<SparseVector>> weighed = new ArrayList<>(queries.size());
    for (SparseVector q : queries) {
      weighed.add(
          statistics
              .count(tenant, counted, modelId, q.indices())
              .thenApply(counts -> LexicalEncoder.weighQuery(q, counts)));
    }
    return CompletableFuture.allOf(weighed.toArray(CompletableFuture[]::new))
        .thenApply(done -> weighed.stream().map(CompletableFuture::join).toList());
  }

  /** The second lexical search: each scope's query expanded from its first search's best hits. */
  private CompletableFuture<LexicalHits> expanded(
      String tenant,
      List<SearchScope> scopes,
      PassageFilter filter,
      String modelId,
      SparseVector terms,
      List<String> counted,
      LexicalSettings settings,
      LexicalHits first,
      int depth) {
    List<List<Passage>> best =
        first.hits().stream()
            .map(hits -> hits.subList(0, Math.min(settings.feedbackPassages(), hits.size())))
            .toList();
    List<String> ids = best.stream().flatMap(List::stream).map(Passage::pointId).toList();
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(first);
    }
    Context trace = Context.current();
    return repository
        .lexicalVectorsAsync(modelId, ids)
        .thenCompose(
            trace.wrapFunction(
                vectors -> {
                  List<SparseVector> queries = new ArrayList<>(scopes.size());
                  for (List<Passage> hits : best) {
                    List<QueryExpansion.Feedback> feedback = new ArrayList<>();
                    for (Passage p : hits) {
                      SparseVector v = vectors.get(p.pointId());
                      if (v != null) {
                        feedback.add(new QueryExpansion.Feedback(v, p.scores().sparse()));
                      }
                    }
                    queries.add(
                        QueryExpansion.expand(
                            terms,
                            feedback,
                            settings.feedbackTerms(),
                            settings.feedbackQueryWeight()));
                  }
                  return weigh(tenant, counted, modelId, queries)
                      .thenCompose(
                          trace.wrapFunction(
                              weighed -> {
                                QueryVectors expandedQuery = QueryVectors.lexical(modelId, weighed);
                                return repository
                                    .searchAsync(tenant, scopes, filter, expandedQuery, depth)
                                    .thenApply(h -> new LexicalHits(h, expandedQuery));
                              }));
                }));
  }

  private List<Passage> full(
      List<ScopeHits> hits,
      RetrievalQuery query,
      HybridSettings hybrid,
      int topK,
      int depth,
      boolean completed,
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
            depth,
            completed);
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
      return new HybridSettings(d.fusion(), d.denseWeight(), d.depth(), d.completeScores());
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
        override.fusion() == null ? d.fusion() : override.fusion(),
        weight,
        depth,
        override.completeScores() == null ? d.completeScores() : override.completeScores());
  }

  private LexicalSettings lexical(LexicalSettings override) {
    RetrieveConfig.Lexical d = config.lexical();
    RetrieveConfig.Lexical.Feedback f = d.feedback();
    if (override == null) {
      return new LexicalSettings(d.statistics(), f.passages(), f.terms(), f.queryWeight());
    }
    int most = config.limits().maxFeedback();
    int passages =
        override.feedbackPassages() == LexicalSettings.UNSET
            ? f.passages()
            : override.feedbackPassages();
    if (passages < 0 || passages > most) {
      throw new InvalidQueryException(
          "lexical.feedback_passages", "feedback_passages must be between 0 and " + most);
    }
    int terms =
        override.feedbackTerms() == LexicalSettings.UNSET ? f.terms() : override.feedbackTerms();
    if (terms < 0 || terms > most) {
      throw new InvalidQueryException(
          "lexical.feedback_terms", "feedback_terms must be between 0 and " + most);
    }
    double weight =
        Double.isNaN(override.feedbackQueryWeight())
            ? f.queryWeight()
            : override.feedbackQueryWeight();
    if (!(weight >= 0 && weight <= 1)) {
      throw new InvalidQueryException(
          "lexical.feedback_query_weight", "feedback_query_weight must be in [0, 1]");
    }
    return new LexicalSettings(
        override.statistics() == null ? d.statistics() : override.statistics(),
        passages,
        terms,
        weight);
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
