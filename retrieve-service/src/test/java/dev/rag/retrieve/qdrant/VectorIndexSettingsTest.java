package dev.rag.retrieve.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.retrieve.config.RetrieveConfig.Quantization;
import dev.rag.retrieve.config.RetrieveConfig.VectorIndex;
import dev.rag.testsupport.QdrantServer;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.QuantizationType;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.ScoredPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The configured vector index reaches a real Qdrant: a collection is made with it, an existing one
 * is brought to it (and back), and searches with its parameters find the true nearest point.
 */
class VectorIndexSettingsTest {

  private static final String VECTOR = "model-8";
  private static QdrantClient client;

  record Index(
      Quantization quantization,
      boolean onDisk,
      double oversampling,
      boolean rescore,
      int m,
      int efConstruct,
      int ef,
      boolean payloadOnDisk,
      boolean sparseOnDisk)
      implements VectorIndex {
    Index(
        Quantization quantization,
        boolean onDisk,
        double oversampling,
        boolean rescore,
        int m,
        int efConstruct,
        int ef) {
      this(quantization, onDisk, oversampling, rescore, m, efConstruct, ef, true, true);
    }
  }

  @BeforeAll
  static void connect() {
    QdrantServer qdrant = QdrantServer.shared();
    client =
        new QdrantClient(
            QdrantGrpcClient.newBuilder(qdrant.host(), qdrant.grpcPort(), false).build());
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static VectorParams vector(CollectionInfo info) {
    return info.getConfig().getParams().getVectorsConfig().getParamsMap().getMapMap().get(VECTOR);
  }

  /** A new collection with the settings; its name. */
  private static String create(VectorIndexSettings settings) throws Exception {
    String name = "index-settings-" + UUID.randomUUID();
    client
        .createCollectionAsync(
            CreateCollection.newBuilder()
                .setCollectionName(name)
                .setVectorsConfig(
                    VectorsConfig.newBuilder()
                        .setParamsMap(
                            VectorParamsMap.newBuilder()
                                .putMap(
                                    VECTOR,
                                    settings
                                        .apply(
                                            VectorParams.newBuilder()
                                                .setSize(8)
                                                .setDistance(Distance.Cosine))
                                        .build())))
                .build())
        .get();
    return name;
  }

  private static CollectionInfo info(String name) throws Exception {
    return client.getCollectionInfoAsync(name).get();
  }

  @Test
  void aNewCollectionHasTheQuantizedIndexAsConfigured() throws Exception {
    VectorIndexSettings scalar =
        new VectorIndexSettings(new Index(Quantization.SCALAR, true, 3.0, true, 24, 200, 64));
    VectorParams v = vector(info(create(scalar)));

    assertThat(v.getQuantizationConfig().getScalar().getType()).isEqualTo(QuantizationType.Int8);
    assertThat(v.getQuantizationConfig().getScalar().getAlwaysRam()).isTrue();
    assertThat(v.getOnDisk()).isTrue();
    assertThat(v.getHnswConfig().getM()).isEqualTo(24);
    assertThat(v.getHnswConfig().getEfConstruct()).isEqualTo(200);
    assertThat(scalar.matches(v, v.getHnswConfig())).isTrue();
  }

  @Test
  void anExistingCollectionIsBroughtToTheSettingsAndBack() throws Exception {
    VectorIndexSettings plain =
        new VectorIndexSettings(new Index(Quantization.NONE, true, 2.0, true, 16, 100, 128));
    VectorIndexSettings binary =
        new VectorIndexSettings(new Index(Quantization.BINARY, true, 2.0, true, 16, 100, 128));
    String name = create(plain);
    CollectionInfo made = info(name);
    assertThat(plain.update(name, VECTOR, made)).isEmpty();

    client.updateCollectionAsync(binary.update(name, VECTOR, made).orElseThrow()).get();
    CollectionInfo quantized = info(name);
    assertThat(vector(quantized).getQuantizationConfig().hasBinary()).isTrue();
    assertThat(vector(quantized).getOnDisk()).isTrue();
    assertThat(binary.update(name, VECTOR, quantized)).isEmpty();

    client.updateCollectionAsync(plain.update(name, VECTOR, quantized).orElseThrow()).get();
    CollectionInfo back = info(name);
    assertThat(vector(back).hasQuantizationConfig()).isFalse();
    assertThat(vector(back).getOnDisk()).isFalse();
    assertThat(plain.update(name, VECTOR, back)).isEmpty();
  }

  @Test
  void theLexicalIndexMovesToDiskAndBack() throws Exception {
    VectorIndexSettings inMemory =
        new VectorIndexSettings(
            new Index(Quantization.SCALAR, true, 4.0, true, 16, 100, 256, true, false));
    VectorIndexSettings onDisk =
        new VectorIndexSettings(
            new Index(Quantization.SCALAR, true, 4.0, true, 16, 100, 256, true, true));
    String name = "sparse-settings-" + UUID.randomUUID();
    client
        .createCollectionAsync(
            CreateCollection.newBuilder()
                .setCollectionName(name)
                .setSparseVectorsConfig(
                    SparseVectorConfig.newBuilder().putMap("lexical", inMemory.sparse()))
                .build())
        .get();
    CollectionInfo made = info(name);
    assertThat(sparse(made).getIndex().getOnDisk()).isFalse();
    assertThat(inMemory.updateSparse(name, "lexical", made)).isEmpty();
    assertThat(onDisk.updateSparse(name, "missing", made)).isEmpty();

    client.updateCollectionAsync(onDisk.updateSparse(name, "lexical", made).orElseThrow()).get();
    CollectionInfo moved = info(name);
    assertThat(sparse(moved).getIndex().getOnDisk()).isTrue();
    assertThat(sparse(moved).getModifier()).isEqualTo(Modifier.None);
    assertThat(onDisk.updateSparse(name, "lexical", moved)).isEmpty();

    client.updateCollectionAsync(inMemory.updateSparse(name, "lexical", moved).orElseThrow()).get();
    assertThat(sparse(info(name)).getIndex().getOnDisk()).isFalse();
  }

  private static SparseVectorParams sparse(CollectionInfo info) {
    return info.getConfig().getParams().getSparseVectorsConfig().getMapMap().get("lexical");
  }

  @Test
  void aQuantizedSearchWithRescoringFindsTheNearestPoint() throws Exception {
    VectorIndexSettings scalar =
        new VectorIndexSettings(new Index(Quantization.SCALAR, true, 2.0, true, 16, 100, 128));
    String name = create(scalar);
    Random random = new Random(7);
    List<PointStruct> points = new ArrayList<>();
    float[][] vectors = new float[200][8];
    for (int i = 0; i < vectors.length; i++) {
      for (int d = 0; d < 8; d++) {
        vectors[i][d] = (float) random.nextGaussian();
      }
      points.add(
          PointStruct.newBuilder()
              .setId(PointIdFactory.id(i))
              .setVectors(
                  VectorsFactory.namedVectors(Map.of(VECTOR, VectorFactory.vector(vectors[i]))))
              .build());
    }
    client.upsertAsync(name, points).get();
    float[] query = vectors[123].clone();
    query[0] += 0.01f;

    List<ScoredPoint> hits =
        client
            .queryAsync(
                QueryPoints.newBuilder()
                    .setCollectionName(name)
                    .setQuery(QueryFactory.nearest(query))
                    .setUsing(VECTOR)
                    .setParams(scalar.search())
                    .setLimit(3)
                    .build())
            .get();

    assertThat(scalar.search().getQuantization().getRescore()).isTrue();
    assertThat(scalar.search().getHnswEf()).isEqualTo(128);
    assertThat(hits.get(0).getId().getNum()).isEqualTo(123L);
  }
}
