package dev.rag.retrieve.qdrant;

import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;

import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexedChunk;
import dev.rag.retrieve.PointIds;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import dev.rag.retrieve.model.SparseVector;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passages to Qdrant points and back: the point's id (deterministic, see {@link PointIds}), its
 * named vectors (the model's dense vector, the lexical sparse one) and its payload fields.
 */
final class PassagePoints {

  static final String TITLE = "title";
  static final String SECTION = "section";
  static final String TEXT = "text";
  static final String PAGE_START = "page_start";
  static final String PAGE_END = "page_end";
  static final String METADATA = "metadata";
  static final String ACCEPTED_AT = "accepted_at_ms";
  static final String MODEL = "model_id";

  private PassagePoints() {}

  /** The point of one chunk of a batch. */
  static PointStruct point(EmbeddingBatch batch, IndexedChunk chunk) {
    DocumentVersion doc = batch.document();
    Map<String, Value> payload = new HashMap<>();
    payload.put(QdrantCollections.TENANT, value(doc.tenant()));
    payload.put(QdrantCollections.SOURCE, value(doc.source()));
    payload.put(QdrantCollections.DOCUMENT_ID, value(doc.documentId()));
    payload.put(QdrantCollections.VERSION, value(doc.version()));
    payload.put(QdrantCollections.CHUNK_INDEX, value(chunk.index()));
    payload.put(TITLE, value(doc.title()));
    payload.put(SECTION, value(chunk.section()));
    payload.put(TEXT, value(chunk.text()));
    if (chunk.pageStart() > 0) {
      payload.put(PAGE_START, value(chunk.pageStart()));
      payload.put(PAGE_END, value(chunk.pageEnd()));
    }
    payload.put(ACCEPTED_AT, value(doc.acceptedAtMillis()));
    payload.put(MODEL, value(batch.modelId()));
    payload.put(QdrantCollections.TERMS, terms(chunk.lexical()));
    Map<String, Value> metadata = new HashMap<>();
    doc.metadata().forEach((k, v) -> metadata.put(k, value(v)));
    payload.put(METADATA, value(metadata));
    return PointStruct.newBuilder()
        .setId(
            id(
                PointIds.of(
                    doc.tenant(),
                    doc.source(),
                    doc.documentId(),
                    doc.version(),
                    chunk.index(),
                    batch.modelId())))
        .setVectors(namedVectors(vectors(batch.modelId(), chunk)))
        .putAllPayload(payload)
        .build();
  }

  private static Map<String, Points.Vector> vectors(String modelId, IndexedChunk chunk) {
    Map<String, Points.Vector> vectors = new HashMap<>();
    vectors.put(modelId, vector(chunk.vector()));
    SparseVector lexical = chunk.lexical();
    if (lexical != null && !lexical.isEmpty()) {
      vectors.put(
          QdrantCollections.LEXICAL, vector(floats(lexical.values()), ints(lexical.indices())));
    }
    return vectors;
  }

  /** A passage's distinct term ids (unsigned), counted by {@link QdrantTermStatistics}. */
  private static Value terms(SparseVector lexical) {
    List<Value> ids = new ArrayList<>(lexical == null ? 0 : lexical.indices().length);
    if (lexical != null) {
      for (int id : lexical.indices()) {
        ids.add(value(Integer.toUnsignedLong(id)));
      }
    }
    return ValueFactory.list(ids);
  }

  static List<Float> floats(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return list;
  }

  /** A lexical vector as Qdrant returns it, in either of its encodings. */
  static SparseVector sparse(Points.VectorOutput v) {
    List<Integer> indices =
        v.hasSparse() ? v.getSparse().getIndicesList() : v.getIndices().getDataList();
    List<Float> values = v.hasSparse() ? v.getSparse().getValuesList() : v.getDataList();
    int[] ids = new int[indices.size()];
    float[] weights = new float[ids.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = indices.get(i);
      weights[i] = values.get(i);
    }
    return new SparseVector(ids, weights);
  }

  static List<Integer> ints(int[] values) {
    List<Integer> list = new ArrayList<>(values.length);
    for (int v : values) {
      list.add(v);
    }
    return list;
  }

  /** The passage a search hit is. */
  static Passage passage(ScoredPoint p) {
    return passage(p.getId(), p.getPayloadMap());
  }

  /** The passage a point's id and payload describe (scores left for the caller to set). */
  static Passage passage(PointId id, Map<String, Value> payload) {
    Map<String, String> metadata = new LinkedHashMap<>();
    Value meta = payload.get(METADATA);
    if (meta != null && meta.hasStructValue()) {
      meta.getStructValue().getFieldsMap().forEach((k, v) -> metadata.put(k, v.getStringValue()));
    }
    return new Passage(
        id.getUuid(),
        str(payload, QdrantCollections.TENANT),
        str(payload, QdrantCollections.SOURCE),
        str(payload, QdrantCollections.DOCUMENT_ID),
        str(payload, QdrantCollections.VERSION),
        num(payload, QdrantCollections.CHUNK_INDEX),
        str(payload, TITLE),
        str(payload, SECTION),
        str(payload, TEXT),
        metadata,
        Scores.NONE,
        num(payload, PAGE_START),
        num(payload, PAGE_END));
  }

  private static int num(Map<String, Value> payload, String key) {
    Value v = payload.get(key);
    return v == null ? 0 : (int) v.getIntegerValue();
  }

  private static String str(Map<String, Value> payload, String key) {
    Value v = payload.get(key);
    return v == null ? "" : v.getStringValue();
  }
}
