package dev.rag.retrieve.qdrant;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorsFactory.namedVectors;

import dev.rag.common.Topics;
import dev.rag.retrieve.IndexedVersion;
import dev.rag.retrieve.IndexedVersionRepository;
import dev.rag.retrieve.PointIds;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.UpsertPoints;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Each document's {@link IndexedVersion} as one point without vectors in the model's own collection
 * (Qdrant keeps points with no vector; searches never return them). Its payload has none of the
 * passage fields (tenant, source, document id), so no passage filter, count, facet or delete ever
 * touches it, and it goes when the collection goes, as the index it describes does.
 */
@ApplicationScoped
public class QdrantVersionRepository implements IndexedVersionRepository {

  private static final Logger LOG = Logger.getLogger(QdrantVersionRepository.class);

  static final String DOCUMENT = "indexed_document";
  static final String SEQUENCE = "indexed_sequence";
  static final String DELETED = "indexed_deleted";

  private final QdrantCollections collections;

  QdrantVersionRepository(QdrantCollections collections) {
    this.collections = collections;
  }

  @Override
  public Optional<IndexedVersion> find(
      String modelId, String tenant, String source, String documentId) {
    String collection = collections.name(modelId);
    if (!collections.exists(collection)) {
      return Optional.empty();
    }
    List<RetrievedPoint> points =
        collections.await(
            collections
                .client()
                .retrieveAsync(
                    collection,
                    List.of(id(PointIds.marker(tenant, source, documentId))),
                    WithPayloadSelectorFactory.include(List.of(SEQUENCE, DELETED)),
                    WithVectorsSelectorFactory.enable(false),
                    null,
                    collections.timeout()));
    if (points.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Value> payload = points.get(0).getPayloadMap();
    return Optional.of(
        new IndexedVersion(
            payload.get(SEQUENCE).getIntegerValue(), payload.get(DELETED).getBoolValue()));
  }

  @Override
  public void save(
      String modelId,
      int dimension,
      String tenant,
      String source,
      String documentId,
      IndexedVersion version) {
    String collection = collections.name(modelId);
    if (dimension > 0) {
      collections.ensure(modelId, dimension);
    } else if (!collections.exists(collection)) {
      LOG.warnf(
          "No index of model %s to remember %s of %s in (the event has no dimension)",
          modelId, version, Topics.documentKey(tenant, source, documentId));
      return;
    }
    collections.await(
        collections
            .client()
            .upsertAsync(
                UpsertPoints.newBuilder()
                    .setCollectionName(collection)
                    .addPoints(
                        PointStruct.newBuilder()
                            .setId(id(PointIds.marker(tenant, source, documentId)))
                            .setVectors(namedVectors(Map.of()))
                            .putPayload(
                                DOCUMENT, value(Topics.documentKey(tenant, source, documentId)))
                            .putPayload(SEQUENCE, value(version.sequence()))
                            .putPayload(DELETED, value(version.deleted())))
                    .setWait(true)
                    .build(),
                collections.timeout()));
  }
}
