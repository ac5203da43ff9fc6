package dev.rag.retrieve.qdrant;

import static io.qdrant.client.ConditionFactory.hasId;
import static io.qdrant.client.ConditionFactory.match;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;

import com.google.common.util.concurrent.ListenableFuture;
import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexedChunk;
import dev.rag.retrieve.InvalidEventException;
import dev.rag.retrieve.PassageFilter;
import dev.rag.retrieve.PassageRepository;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import dev.rag.retrieve.model.SparseVector;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.BatchResult;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.FacetHit;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.QuantizationSearchParams;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.SearchParams;
import io.qdrant.client.grpc.Points.UpsertPoints;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Passages in Qdrant. One collection per model ({@link QdrantCollections}) holds every tenant's
 * passages; each point carries its tenant in an indexed payload field, and every read and delete
 * filters on it. Beside the model's dense vector, the sparse vector {@value #LEXICAL} holds BM25
 * term-frequency weights and the payload {@value QdrantCollections#TERMS} the passage's distinct
 * term ids, from which {@link QdrantTermStatistics} counts a tenant's own document frequencies.
 */
@ApplicationScoped
public class QdrantPassageRepository implements PassageRepository {

  private static final Logger LOG = Logger.getLogger(QdrantPassageRepository.class);

  static final String TENANT = QdrantCollections.TENANT;
  static final String SOURCE = QdrantCollections.SOURCE;
  static final String DOCUMENT_ID = QdrantCollections.DOCUMENT_ID;
  static final String VERSION = QdrantCollections.VERSION;
  static final String CHUNK_INDEX = QdrantCollections.CHUNK_INDEX;
  static final String TERMS = QdrantCollections.TERMS;

  /**
   * The payload a search candidate carries: enough to fuse and weigh sources, and to name the same
   * chunk in another model's index (the dense ensemble).
   */
  private static final Points.WithPayloadSelector CANDIDATE_FIELDS =
      WithPayloadSelectorFactory.include(
          List.of(SOURCE, DOCUMENT_ID, TENANT, VERSION, CHUNK_INDEX));

  /** Name of the lexical sparse vector. */
  public static final String LEXICAL = QdrantCollections.LEXICAL;

  private final QdrantCollections collections;
  private final QdrantClient client;
  private final Duration timeout;

  private final TenantSources sources;

  QdrantPassageRepository(QdrantCollections collections) {
    this.collections = collections;
    this.client = collections.client();
    this.timeout = collections.timeout();
    this.sources = new TenantSources(collections);
    collections.onForget(sources::clear);
  }

  /** The collection of a model's passages ({@link QdrantCollections#name}). */
  public String collection(String modelId) {
    return collections.name(modelId);
  }

  @Override
  public boolean healthy() {
    return collections.healthy();
  }

  @Override
  @WithSpan("qdrant upsert")
  public void upsert(EmbeddingBatch batch) {
    String collection = collection(batch.modelId());
    // Check the event before it can shape the collection: a bad first event must not fix the
    // collection's dimension.
    for (IndexedChunk chunk : batch.chunks()) {
      if (chunk.vector().length != batch.dimension()) {
        throw new InvalidEventException(
            "chunk "
                + chunk.index()
                + " has a vector of length "
                + chunk.vector().length
                + ", expected "
                + batch.dimension());
      }
    }
    collections.ensure(batch.modelId(), batch.dimension());
    DocumentVersion doc = batch.document();
    List<PointStruct> points = new ArrayList<>(batch.chunks().size());
    for (IndexedChunk chunk : batch.chunks()) {
      points.add(PassagePoints.point(batch, chunk));
    }
    UpsertPoints upsert =
        UpsertPoints.newBuilder()
            .setCollectionName(collection)
            .addAllPoints(points)
            .setWait(true)
            .build();
    try {
      await(client.upsertAsync(upsert, timeout));
    } catch (StatusRuntimeException e) {
      if (!QdrantCollections.notFound(e)) {
        throw e;
      }
      // The collection was deleted behind this service's back: make it again, once.
      collections.ensure(batch.modelId(), batch.dimension());
      await(client.upsertAsync(upsert, timeout));
    }
    sources.indexed(collection, doc.tenant(), doc.source());
  }

  @Override
  @WithSpan("qdrant delete other versions")
  public void deleteOtherVersions(String modelId, DocumentVersion doc, String keepVersion) {
    Filter filter =
        Filter.newBuilder()
            .addMust(matchKeyword(TENANT, doc.tenant()))
            .addMust(matchKeyword(SOURCE, doc.source()))
            .addMust(matchKeyword(DOCUMENT_ID, doc.documentId()))
            .addMustNot(matchKeyword(VERSION, keepVersion))
            .build();
    delete(collection(modelId), filter);
  }

  @Override
  public void deleteDocument(String modelId, String tenant, String source, String documentId) {
    Filter filter =
        Filter.newBuilder()
            .addMust(matchKeyword(TENANT, tenant))
            .addMust(matchKeyword(SOURCE, source))
            .addMust(matchKeyword(DOCUMENT_ID, documentId))
            .build();
    if (modelId != null && !modelId.isBlank()) {
      delete(collection(modelId), filter);
      return;
    }
    // A deletion that names no model removes the document from every model's index.
    for (String collection : collections.all()) {
      delete(collection, filter);
    }
  }

  private void delete(String collection, Filter filter) {
    if (!collections.exists(collection)) {
      return;
    }
    await(
        client.deleteAsync(
            DeletePoints.newBuilder()
                .setCollectionName(collection)
                .setPoints(PointsSelector.newBuilder().setFilter(filter))
                .setWait(true)
                .build(),
            timeout));
  }

  @Override
  @WithSpan("qdrant search")
  public CompletableFuture<List<List<Passage>>> searchAsync(
      String tenant,
      List<SearchScope> scopes,
      PassageFilter passageFilter,
      QueryVectors query,
      int depth) {
    boolean dense = !query.isLexical();
    List<List<Passage>> nothing = scopes.stream().map(sc -> List.<Passage>of()).toList();
    String collection = collection(query.model());
    if (scopes.isEmpty() || !collections.exists(collection)) {
      // Nothing indexed yet.
      return CompletableFuture.completedFuture(nothing);
    }
    List<QueryPoints> queries = new ArrayList<>();
    for (int i = 0; i < scopes.size(); i++) {
      SearchScope scope = scopes.get(i);
      QueryPoints.Builder q =
          QueryPoints.newBuilder()
              .setCollectionName(collection)
              .setFilter(filter(tenant, scope.sources(), passageFilter))
              .setLimit(depth)
              .setWithPayload(CANDIDATE_FIELDS);
      if (dense) {
        q.setQuery(nearest(query.dense()))
            .setUsing(query.model())
            .setParams(collections.denseSearch());
      } else {
        lexical(q, query.sparseFor(i));
      }
      queries.add(q.build());
    }
    return collections
        .read(() -> client.queryBatchAsync(collection, queries, null, timeout))
        .thenApply(
            results -> {
              List<List<Passage>> hits = new ArrayList<>(results.size());
              for (BatchResult r : results) {
                hits.add(passages(r.getResultList(), dense));
              }
              return hits;
            })
        // The collection was deleted by someone else: nothing indexed.
        .exceptionally(e -> ifDeleted(e, nothing));
  }

  @Override
  @WithSpan("qdrant score")
  public CompletableFuture<List<Map<String, Double>>> scoreAsync(
      String tenant, QueryVectors query, List<List<String>> pointIds) {
    boolean dense = !query.isLexical();
    String collection = collection(query.model());
    List<Integer> asked = new ArrayList<>();
    List<QueryPoints> queries = new ArrayList<>();
    for (int i = 0; i < pointIds.size(); i++) {
      List<String> scope = pointIds.get(i);
      if (scope.isEmpty()) {
        continue;
      }
      List<Common.PointId> ids = new ArrayList<>(scope.size());
      for (String id : scope) {
        ids.add(id(UUID.fromString(id)));
      }
      QueryPoints.Builder q =
          QueryPoints.newBuilder()
              .setCollectionName(collection)
              .setFilter(
                  Filter.newBuilder().addMust(matchKeyword(TENANT, tenant)).addMust(hasId(ids)))
              .setLimit(ids.size())
              .setWithPayload(enable(false));
      if (dense) {
        // So few points are scored one by one, not through the graph, on their original vectors
        // (as a search rescores its quantised candidates): every one of them gets its score.
        q.setQuery(nearest(query.dense()))
            .setUsing(query.model())
            .setParams(
                SearchParams.newBuilder()
                    .setExact(true)
                    .setQuantization(QuantizationSearchParams.newBuilder().setIgnore(true))
                    .build());
      } else {
        lexical(q, query.sparseFor(i));
      }
      asked.add(i);
      queries.add(q.build());
    }
    List<Map<String, Double>> scores = new ArrayList<>(pointIds.size());
    for (int i = 0; i < pointIds.size(); i++) {
      scores.add(new HashMap<>());
    }
    if (queries.isEmpty() || !collections.exists(collection)) {
      return CompletableFuture.completedFuture(scores);
    }
    return collections
        .read(() -> client.queryBatchAsync(collection, queries, null, timeout))
        .thenApply(
            results -> {
              for (int j = 0; j < results.size(); j++) {
                Map<String, Double> scope = scores.get(asked.get(j));
                for (ScoredPoint p : results.get(j).getResultList()) {
                  scope.put(p.getId().getUuid(), (double) p.getScore());
                }
              }
              return scores;
            })
        // Deleted since it was searched: nothing left to score.
        .exceptionally(e -> ifDeleted(e, scores));
  }

  /** {@code nothing} when a read failed because its collection is gone; else the failure. */
  private static <T> T ifDeleted(Throwable e, T nothing) {
    if (QdrantCollections.notFound(e)) {
      return nothing;
    }
    throw e instanceof CompletionException c ? c : new CompletionException(e);
  }

  /** Makes {@code q} a search of the lexical vectors with {@code sparse}. */
  private static void lexical(QueryPoints.Builder q, SparseVector sparse) {
    q.setQuery(nearest(PassagePoints.floats(sparse.values()), PassagePoints.ints(sparse.indices())))
        .setUsing(LEXICAL);
  }

  private static List<Passage> passages(List<ScoredPoint> points, boolean dense) {
    List<Passage> passages = new ArrayList<>(points.size());
    for (ScoredPoint p : points) {
      Passage passage = PassagePoints.passage(p);
      Scores scores =
          dense ? Scores.NONE.withDense(p.getScore()) : Scores.NONE.withSparse(p.getScore());
      passages.add(passage.withScores(scores));
    }
    return passages;
  }

  @Override
  @WithSpan("qdrant load")
  public List<Passage> load(String modelId, List<Passage> candidates) {
    String collection = collection(modelId);
    if (candidates.isEmpty()) {
      return candidates;
    }
    List<Common.PointId> ids = new ArrayList<>(candidates.size());
    for (Passage c : candidates) {
      ids.add(id(UUID.fromString(c.pointId())));
    }
    Map<String, Points.RetrievedPoint> byId = new HashMap<>();
    for (var point :
        await(
            client.retrieveAsync(
                collection,
                ids,
                enable(true),
                WithVectorsSelectorFactory.enable(false),
                null,
                timeout))) {
      byId.put(point.getId().getUuid(), point);
    }
    List<Passage> loaded = new ArrayList<>(candidates.size());
    for (Passage c : candidates) {
      var point = byId.get(c.pointId());
      if (point != null) {
        // Deleted between search and load: left out.
        loaded.add(
            PassagePoints.passage(point.getId(), point.getPayloadMap()).withScores(c.scores()));
      }
    }
    return loaded;
  }

  private static Filter filter(String tenant, List<String> sources, PassageFilter extra) {
    Filter.Builder filter = Filter.newBuilder().addMust(matchKeyword(TENANT, tenant));
    if (sources != null && !sources.isEmpty()) {
      filter.addMust(matchKeywords(SOURCE, sources));
    }
    if (extra != null) {
      if (!extra.documentIds().isEmpty()) {
        filter.addMust(matchKeywords(DOCUMENT_ID, extra.documentIds()));
      }
      extra
          .metadata()
          .forEach((k, v) -> filter.addMust(matchKeyword(PassagePoints.METADATA + "." + k, v)));
    }
    return filter.build();
  }

  @Override
  public CompletableFuture<Map<String, SparseVector>> lexicalVectorsAsync(
      String modelId, List<String> pointIds) {
    String collection = collection(modelId);
    if (pointIds.isEmpty() || !collections.exists(collection)) {
      return CompletableFuture.completedFuture(Map.of());
    }
    List<Common.PointId> ids = new ArrayList<>(pointIds.size());
    for (String id : pointIds) {
      ids.add(id(UUID.fromString(id)));
    }
    return collections
        .read(
            () ->
                client.retrieveAsync(
                    collection,
                    ids,
                    enable(false),
                    WithVectorsSelectorFactory.include(List.of(LEXICAL)),
                    null,
                    timeout))
        .thenApply(
            points -> {
              Map<String, SparseVector> vectors = new HashMap<>();
              for (var point : points) {
                var v = point.getVectors().getVectors().getVectorsMap().get(LEXICAL);
                if (v != null) {
                  vectors.put(point.getId().getUuid(), PassagePoints.sparse(v));
                }
              }
              return vectors;
            });
  }

  @Override
  public CompletableFuture<List<String>> sourcesAsync(String tenant, String modelId) {
    String collection = collection(modelId);
    if (!collections.exists(collection)) {
      return CompletableFuture.completedFuture(List.of());
    }
    return sources.of(collection, tenant);
  }

  @Override
  public List<SourceCount> stats(String tenant, String modelId) {
    String collection = collection(modelId);
    if (!collections.exists(collection)) {
      return List.of();
    }
    Map<String, Long> passages = new TreeMap<>();
    for (FacetHit h : facet(collection, TenantSources.tenantOnly(tenant))) {
      passages.put(h.getValue().getStringValue(), h.getCount());
    }
    // Every document has exactly one chunk 0: counting those counts documents.
    Map<String, Long> documents = new HashMap<>();
    for (FacetHit h :
        facet(
            collection,
            Filter.newBuilder()
                .addMust(matchKeyword(TENANT, tenant))
                .addMust(match(CHUNK_INDEX, 0))
                .build())) {
      documents.put(h.getValue().getStringValue(), h.getCount());
    }
    List<SourceCount> counts = new ArrayList<>();
    passages.forEach(
        (source, n) -> counts.add(new SourceCount(source, documents.getOrDefault(source, 0L), n)));
    return counts;
  }

  private List<FacetHit> facet(String collection, Filter filter) {
    return await(client.facetAsync(TenantSources.facetRequest(collection, filter), timeout));
  }

  @Override
  public List<Passage> documentPassages(
      String modelId, String tenant, String source, String documentId, int limit) {
    String collection = collection(modelId);
    if (!collections.exists(collection)) {
      return List.of();
    }
    Points.ScrollResponse page =
        await(
            client.scrollAsync(
                Points.ScrollPoints.newBuilder()
                    .setCollectionName(collection)
                    .setFilter(
                        Filter.newBuilder()
                            .addMust(matchKeyword(TENANT, tenant))
                            .addMust(matchKeyword(SOURCE, source))
                            .addMust(matchKeyword(DOCUMENT_ID, documentId)))
                    .setLimit(limit)
                    .setWithPayload(enable(true))
                    .setWithVectors(WithVectorsSelectorFactory.enable(false))
                    .build(),
                timeout));
    List<Passage> passages = new ArrayList<>(page.getResultCount());
    for (var point : page.getResultList()) {
      passages.add(PassagePoints.passage(point.getId(), point.getPayloadMap()));
    }
    passages.sort(
        java.util.Comparator.comparingInt(Passage::chunkIndex).thenComparing(Passage::version));
    return passages;
  }

  /** Number of points of a document, all versions (for tests and status). */
  public long countPoints(String modelId, String tenant, String source, String documentId) {
    String collection = collection(modelId);
    if (!collections.exists(collection)) {
      return 0;
    }
    return await(
        client.countAsync(
            collection,
            Filter.newBuilder()
                .addMust(matchKeyword(TENANT, tenant))
                .addMust(matchKeyword(SOURCE, source))
                .addMust(matchKeyword(DOCUMENT_ID, documentId))
                .build(),
            true,
            timeout));
  }

  private <T> T await(ListenableFuture<T> future) {
    return collections.await(future);
  }
}
