package dev.rag.retrieve.qdrant;

import dev.rag.retrieve.config.RetrieveConfig.Quantization;
import dev.rag.retrieve.config.RetrieveConfig.VectorIndex;
import io.qdrant.client.grpc.Collections.BinaryQuantization;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.Disabled;
import io.qdrant.client.grpc.Collections.HnswConfigDiff;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.QuantizationConfig;
import io.qdrant.client.grpc.Collections.QuantizationConfigDiff;
import io.qdrant.client.grpc.Collections.QuantizationType;
import io.qdrant.client.grpc.Collections.ScalarQuantization;
import io.qdrant.client.grpc.Collections.SparseIndexConfig;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsDiff;
import io.qdrant.client.grpc.Collections.VectorParamsDiffMap;
import io.qdrant.client.grpc.Collections.VectorsConfigDiff;
import io.qdrant.client.grpc.Points.QuantizationSearchParams;
import io.qdrant.client.grpc.Points.SearchParams;
import java.util.Optional;

/**
 * The dense vector's index as configured ({@code retrieve.qdrant.index.*}), in Qdrant's terms: the
 * parameters a collection is made with, the change that brings an existing collection to them, and
 * the search parameters of a dense query.
 */
final class VectorIndexSettings {

  /** Scalar quantization keeps values up to this quantile, so outliers do not waste the range. */
  private static final float SCALAR_QUANTILE = 0.99f;

  private final VectorIndex config;

  VectorIndexSettings(VectorIndex config) {
    this.config = config;
  }

  /** The dense vector of a new collection. */
  VectorParams.Builder apply(VectorParams.Builder vector) {
    vector.setHnswConfig(hnsw());
    if (config.quantization() != Quantization.NONE) {
      vector.setQuantizationConfig(quantization()).setOnDisk(config.onDisk());
    }
    return vector;
  }

  /**
   * The update that brings the model's vector in an existing collection to these settings, or empty
   * when it already has them. Qdrant rebuilds the quantized copy and the graph in the background;
   * searches go on meanwhile.
   */
  Optional<UpdateCollection> update(String collection, String modelId, CollectionInfo info) {
    VectorParams current =
        info.getConfig().getParams().getVectorsConfig().getParamsMap().getMapMap().get(modelId);
    if (current == null || matches(current, info.getConfig().getHnswConfig())) {
      return Optional.empty();
    }
    VectorParamsDiff.Builder diff = VectorParamsDiff.newBuilder().setHnswConfig(hnsw());
    if (config.quantization() == Quantization.NONE) {
      diff.setQuantizationConfig(
          QuantizationConfigDiff.newBuilder().setDisabled(Disabled.getDefaultInstance()));
      diff.setOnDisk(false);
    } else {
      QuantizationConfig q = quantization();
      QuantizationConfigDiff.Builder qd = QuantizationConfigDiff.newBuilder();
      if (q.hasScalar()) {
        qd.setScalar(q.getScalar());
      } else {
        qd.setBinary(q.getBinary());
      }
      diff.setQuantizationConfig(qd).setOnDisk(config.onDisk());
    }
    return Optional.of(
        UpdateCollection.newBuilder()
            .setCollectionName(collection)
            .setVectorsConfig(
                VectorsConfigDiff.newBuilder()
                    .setParamsMap(VectorParamsDiffMap.newBuilder().putMap(modelId, diff.build())))
            .build());
  }

  /**
   * Whether a collection's vector already has these settings; a vector without graph settings of
   * its own has the collection's ({@code collectionHnsw}).
   */
  boolean matches(VectorParams current, HnswConfigDiff collectionHnsw) {
    HnswConfigDiff graph = current.hasHnswConfig() ? current.getHnswConfig() : collectionHnsw;
    boolean hnsw = graph.getM() == config.m() && graph.getEfConstruct() == config.efConstruct();
    boolean quantized = current.hasQuantizationConfig();
    if (config.quantization() == Quantization.NONE) {
      return hnsw && !quantized && !current.getOnDisk();
    }
    return hnsw
        && quantized
        && current.getQuantizationConfig().equals(quantization())
        && current.getOnDisk() == config.onDisk();
  }

  /** The lexical vector of a new collection: plain term weights, its index where configured. */
  SparseVectorParams sparse() {
    return SparseVectorParams.newBuilder()
        .setModifier(Modifier.None)
        .setIndex(SparseIndexConfig.newBuilder().setOnDisk(config.sparseOnDisk()))
        .build();
  }

  /**
   * The update that moves the index of an existing collection's sparse vector {@code name} to where
   * it is configured to live, or empty when it is there already (or there is no such vector).
   */
  Optional<UpdateCollection> updateSparse(String collection, String name, CollectionInfo info) {
    SparseVectorParams current =
        info.getConfig().getParams().getSparseVectorsConfig().getMapMap().get(name);
    if (current == null || current.getIndex().getOnDisk() == config.sparseOnDisk()) {
      return Optional.empty();
    }
    return Optional.of(
        UpdateCollection.newBuilder()
            .setCollectionName(collection)
            .setSparseVectorsConfig(
                SparseVectorConfig.newBuilder()
                    .putMap(
                        name,
                        current.toBuilder()
                            .setIndex(
                                current.getIndex().toBuilder().setOnDisk(config.sparseOnDisk()))
                            .build()))
            .build());
  }

  /** Whether payload indexes (all but the tenant's) are made memory-mapped. */
  boolean payloadOnDisk() {
    return config.payloadOnDisk();
  }

  /** The search parameters of a dense query. */
  SearchParams search() {
    SearchParams.Builder params = SearchParams.newBuilder().setHnswEf(config.ef());
    if (config.quantization() != Quantization.NONE) {
      params.setQuantization(
          QuantizationSearchParams.newBuilder()
              .setRescore(config.rescore())
              .setOversampling(config.oversampling()));
    }
    return params.build();
  }

  private HnswConfigDiff hnsw() {
    return HnswConfigDiff.newBuilder()
        .setM(config.m())
        .setEfConstruct(config.efConstruct())
        .build();
  }

  private QuantizationConfig quantization() {
    return switch (config.quantization()) {
      case SCALAR ->
          QuantizationConfig.newBuilder()
              .setScalar(
                  ScalarQuantization.newBuilder()
                      .setType(QuantizationType.Int8)
                      .setQuantile(SCALAR_QUANTILE)
                      .setAlwaysRam(true))
              .build();
      case BINARY ->
          QuantizationConfig.newBuilder()
              .setBinary(BinaryQuantization.newBuilder().setAlwaysRam(true))
              .build();
      case NONE -> throw new IllegalStateException("no quantization configured");
    };
  }
}
