package dev.rag.retrieve.qdrant;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;

import com.google.common.util.concurrent.ListenableFuture;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexedChunk;
import dev.rag.retrieve.InvalidEventException;
import dev.rag.retrieve.Passage;
import dev.rag.retrieve.PassageRepository;
import dev.rag.retrieve.PointIds;
import dev.rag.retrieve.config.RetrieveConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.KeywordIndexParams;
import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.UpsertPoints;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The only class that talks to Qdrant. One collection holds every tenant's passages; each point
 * carries its tenant in an indexed payload field, and every read and delete filters on it. Each
 * embedding model has its own named vector, so vectors of two models never mix.
 */
@ApplicationScoped
public class QdrantPassageRepository implements PassageRepository {

  private static final Logger LOG = Logger.getLogger(QdrantPassageRepository.class);

  static final String TENANT = "tenant";
  static final String SOURCE = "source";
  static final String DOCUMENT_ID = "document_id";
  static final String VERSION = "version";
  static final String CHUNK_INDEX = "chunk_index";
  static final String TITLE = "title";
  static final String SECTION = "section";
  static final String TEXT = "text";
  static final String METADATA = "metadata";
  static final String ACCEPTED_AT = "accepted_at_ms";
  static final String MODEL = "model_id";

  private final QdrantClient client;
  private final String collection;
  private final Duration timeout;
  private final Set<String> knownVectors = ConcurrentHashMap.newKeySet();

  QdrantPassageRepository(RetrieveConfig config) {
    RetrieveConfig.Qdrant q = config.qdrant();
    QdrantGrpcClient.Builder grpc =
        QdrantGrpcClient.newBuilder(q.host(), q.port(), q.tls(), false).withTimeout(q.timeout());
    q.apiKey().ifPresent(grpc::withApiKey);
    this.client = new QdrantClient(grpc.build());
    this.collection = q.collection();
    this.timeout = q.timeout();
  }

  @PreDestroy
  void close() {
    client.close();
  }

  /** Whether Qdrant answers its health check. */
  public boolean healthy() {
    try {
      await(client.healthCheckAsync(timeout));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void upsert(EmbeddingBatch batch) {
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
    ensureVector(batch.modelId(), batch.dimension());
    DocumentVersion doc = batch.document();
    List<PointStruct> points = new ArrayList<>(batch.chunks().size());
    for (IndexedChunk chunk : batch.chunks()) {
      Map<String, Value> payload = new HashMap<>();
      payload.put(TENANT, value(doc.tenant()));
      payload.put(SOURCE, value(doc.source()));
      payload.put(DOCUMENT_ID, value(doc.documentId()));
      payload.put(VERSION, value(doc.version()));
      payload.put(CHUNK_INDEX, value(chunk.index()));
      payload.put(TITLE, value(doc.title()));
      payload.put(SECTION, value(chunk.section()));
      payload.put(TEXT, value(chunk.text()));
      payload.put(ACCEPTED_AT, value(doc.acceptedAtMillis()));
      payload.put(MODEL, value(batch.modelId()));
      Map<String, Value> metadata = new HashMap<>();
      doc.metadata().forEach((k, v) -> metadata.put(k, value(v)));
      payload.put(METADATA, value(metadata));
      points.add(
          PointStruct.newBuilder()
              .setId(
                  id(
                      PointIds.of(
                          doc.tenant(),
                          doc.source(),
                          doc.documentId(),
                          doc.version(),
                          chunk.index(),
                          batch.modelId())))
              .setVectors(namedVectors(Map.of(batch.modelId(), vector(chunk.vector()))))
              .putAllPayload(payload)
              .build());
    }
    await(
        client.upsertAsync(
            UpsertPoints.newBuilder()
                .setCollectionName(collection)
                .addAllPoints(points)
                .setWait(true)
                .build(),
            timeout));
  }

  @Override
  public void deleteOtherVersions(DocumentVersion doc, String keepVersion) {
    Filter filter =
        Filter.newBuilder()
            .addMust(matchKeyword(TENANT, doc.tenant()))
            .addMust(matchKeyword(SOURCE, doc.source()))
            .addMust(matchKeyword(DOCUMENT_ID, doc.documentId()))
            .addMustNot(matchKeyword(VERSION, keepVersion))
            .build();
    delete(filter);
  }

  @Override
  public void deleteDocument(String tenant, String source, String documentId) {
    delete(
        Filter.newBuilder()
            .addMust(matchKeyword(TENANT, tenant))
            .addMust(matchKeyword(SOURCE, source))
            .addMust(matchKeyword(DOCUMENT_ID, documentId))
            .build());
  }

  private void delete(Filter filter) {
    if (!collectionExists()) {
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
  public List<Passage> searchDense(
      String tenant, List<String> sources, String modelId, float[] vector, int topK) {
    Filter.Builder filter = Filter.newBuilder().addMust(matchKeyword(TENANT, tenant));
    if (sources != null && !sources.isEmpty()) {
      filter.addMust(matchKeywords(SOURCE, sources));
    }
    List<ScoredPoint> points;
    try {
      points =
          await(
              client.queryAsync(
                  QueryPoints.newBuilder()
                      .setCollectionName(collection)
                      .setQuery(nearest(vector))
                      .setUsing(modelId)
                      .setFilter(filter)
                      .setLimit(topK)
                      .setWithPayload(enable(true))
                      .build(),
                  timeout));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        // Nothing indexed yet.
        return List.of();
      }
      throw e;
    }
    List<Passage> passages = new ArrayList<>(points.size());
    for (ScoredPoint p : points) {
      passages.add(toPassage(p));
    }
    return passages;
  }

  /** Number of points of a document, all versions (for tests and status). */
  public long countPoints(String tenant, String source, String documentId) {
    if (!collectionExists()) {
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

  private static Passage toPassage(ScoredPoint p) {
    Map<String, Value> payload = p.getPayloadMap();
    Map<String, String> metadata = new LinkedHashMap<>();
    Value meta = payload.get(METADATA);
    if (meta != null && meta.hasStructValue()) {
      meta.getStructValue().getFieldsMap().forEach((k, v) -> metadata.put(k, v.getStringValue()));
    }
    return new Passage(
        p.getId().getUuid(),
        str(payload, TENANT),
        str(payload, SOURCE),
        str(payload, DOCUMENT_ID),
        str(payload, VERSION),
        payload.containsKey(CHUNK_INDEX) ? (int) payload.get(CHUNK_INDEX).getIntegerValue() : 0,
        str(payload, TITLE),
        str(payload, SECTION),
        str(payload, TEXT),
        metadata,
        p.getScore(),
        p.getScore());
  }

  private static String str(Map<String, Value> payload, String key) {
    Value v = payload.get(key);
    return v == null ? "" : v.getStringValue();
  }

  private boolean collectionExists() {
    return await(client.collectionExistsAsync(collection, timeout));
  }

  /** Makes sure the collection exists with a named vector for the model. */
  private void ensureVector(String modelId, int dimension) {
    if (knownVectors.contains(modelId)) {
      return;
    }
    synchronized (this) {
      if (knownVectors.contains(modelId)) {
        return;
      }
      if (!collectionExists()) {
        createCollection(modelId, dimension);
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
      knownVectors.add(modelId);
    }
  }

  private void createCollection(String modelId, int dimension) {
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
                                      VectorParams.newBuilder()
                                          .setSize(dimension)
                                          .setDistance(Distance.Cosine)
                                          .build())))
                  .build(),
              timeout));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS
          && !String.valueOf(e.getStatus().getDescription()).contains("already exists")) {
        throw e;
      }
      return;
    }
    index(
        TENANT,
        PayloadIndexParams.newBuilder()
            .setKeywordIndexParams(KeywordIndexParams.newBuilder().setIsTenant(true))
            .build());
    for (String field : List.of(SOURCE, DOCUMENT_ID, VERSION)) {
      index(
          field,
          PayloadIndexParams.newBuilder()
              .setKeywordIndexParams(KeywordIndexParams.getDefaultInstance())
              .build());
    }
    LOG.infof("Created Qdrant collection %s with vector %s (%d)", collection, modelId, dimension);
  }

  private void index(String field, PayloadIndexParams params) {
    await(
        client.createPayloadIndexAsync(
            collection, field, PayloadSchemaType.Keyword, params, true, null, timeout));
  }

  private <T> T await(ListenableFuture<T> future) {
    try {
      return future.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StatusRuntimeException s) {
        Status.Code code = s.getStatus().getCode();
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
          throw new DependencyUnavailableException("Qdrant is unavailable: " + s.getStatus(), s);
        }
        throw s;
      }
      throw new IllegalStateException("Qdrant call failed", cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new DependencyUnavailableException("Qdrant did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException("interrupted while waiting for Qdrant", e);
    }
  }
}
