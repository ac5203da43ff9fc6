package dev.rag.retrieve.qdrant;

import static io.qdrant.client.ConditionFactory.isEmpty;
import static io.qdrant.client.ValueFactory.list;
import static io.qdrant.client.ValueFactory.value;

import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointsIdsList;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.PointsUpdateOperation;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.VectorOutput;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Brings a collection made by an earlier version of this service, whose lexical vector had Qdrant's
 * IDF modifier (statistics of every tenant in the collection), to the current format: the {@value
 * QdrantCollections#TERMS} payload (each passage's term ids, read back from its own lexical vector,
 * so nothing is re-embedded), its index, then the modifier off. Every step can be repeated, and the
 * modifier goes last, so a migration cut short is finished by the next start.
 */
final class LexicalStatisticsMigration {

  private static final Logger LOG = Logger.getLogger(LexicalStatisticsMigration.class);
  private static final int PAGE = 512;

  private final QdrantCollections collections;

  LexicalStatisticsMigration(QdrantCollections collections) {
    this.collections = collections;
  }

  /** Migrates the collection if it needs it; returns at once for a current one. */
  void migrate(String collection) {
    var client = collections.client();
    CollectionInfo info =
        collections.await(client.getCollectionInfoAsync(collection, collections.timeout()));
    SparseVectorParams lexical =
        info.getConfig()
            .getParams()
            .getSparseVectorsConfig()
            .getMapMap()
            .get(QdrantCollections.LEXICAL);
    boolean indexed = info.getPayloadSchemaMap().containsKey(QdrantCollections.TERMS);
    if (lexical == null || (lexical.getModifier() != Modifier.Idf && indexed)) {
      return;
    }
    LOG.infof(
        "Collection %s scores terms with collection-wide statistics: moving it to tenant-local"
            + " ones (%d points)",
        collection, info.getPointsCount());
    if (!indexed) {
      collections.payloadIndexes().integer(collection, QdrantCollections.TERMS);
    }
    long migrated = backfill(collection);
    collections.await(
        client.updateCollectionAsync(
            UpdateCollection.newBuilder()
                .setCollectionName(collection)
                .setSparseVectorsConfig(
                    SparseVectorConfig.newBuilder()
                        .putMap(
                            QdrantCollections.LEXICAL,
                            lexical.toBuilder().setModifier(Modifier.None).build()))
                .build(),
            collections.timeout()));
    LOG.infof("Collection %s migrated: term ids recorded on %d points", collection, migrated);
  }

  /** Gives every point without term ids those of its lexical vector. */
  private long backfill(String collection) {
    var client = collections.client();
    Filter missing = Filter.newBuilder().addMust(isEmpty(QdrantCollections.TERMS)).build();
    PointId offset = null;
    long done = 0;
    do {
      ScrollPoints.Builder page =
          ScrollPoints.newBuilder()
              .setCollectionName(collection)
              .setFilter(missing)
              .setLimit(PAGE)
              .setWithPayload(WithPayloadSelectorFactory.enable(false))
              .setWithVectors(
                  WithVectorsSelectorFactory.include(List.of(QdrantCollections.LEXICAL)));
      if (offset != null) {
        page.setOffset(offset);
      }
      ScrollResponse response =
          collections.await(client.scrollAsync(page.build(), collections.timeout()));
      List<PointsUpdateOperation> updates = new ArrayList<>(response.getResultCount());
      for (RetrievedPoint point : response.getResultList()) {
        updates.add(
            PointsUpdateOperation.newBuilder()
                .setSetPayload(
                    PointsUpdateOperation.SetPayload.newBuilder()
                        .putPayload(QdrantCollections.TERMS, terms(point))
                        .setPointsSelector(
                            PointsSelector.newBuilder()
                                .setPoints(PointsIdsList.newBuilder().addIds(point.getId()))))
                .build());
      }
      if (!updates.isEmpty()) {
        collections.await(
            client.batchUpdateAsync(collection, updates, true, null, collections.timeout()));
      }
      done += updates.size();
      offset = response.hasNextPageOffset() ? response.getNextPageOffset() : null;
    } while (offset != null);
    return done;
  }

  /** The point's term ids as {@link QdrantPassageRepository} writes them (unsigned). */
  private static Value terms(RetrievedPoint point) {
    VectorOutput lexical =
        point.getVectors().getVectors().getVectorsMap().get(QdrantCollections.LEXICAL);
    int[] indices = lexical == null ? new int[0] : PassagePoints.sparse(lexical).indices();
    List<Value> ids = new ArrayList<>(indices.length);
    for (int id : indices) {
      ids.add(value(Integer.toUnsignedLong(id)));
    }
    return list(ids);
  }
}
