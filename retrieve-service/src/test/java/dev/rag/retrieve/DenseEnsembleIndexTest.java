package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The dense ensemble over real Kafka and Qdrant: the same documents indexed by two models (two
 * collections), a query searched in both, and a passage only the second model found returned with
 * the live index's point id and text.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
class DenseEnsembleIndexTest {

  @Inject RetrieveService service;
  @Inject QdrantPassageRepository repository;

  /** One document of one chunk, its vector made from {@code vectorText} by the hashing model. */
  private static EmbeddingsEvent document(
      String model, String tenant, String id, String text, String vectorText) {
    EmbeddedChunk.Builder c =
        EmbeddedChunk.newBuilder().setChunk(Chunk.newBuilder().setIndex(0).setText(text));
    for (float x : HashingQueryEmbedder.vector(vectorText)) {
      c.addVector(x);
    }
    return EmbeddingsEvent.newBuilder()
        .setHeader(
            DocumentHeader.newBuilder()
                .setTenant(tenant)
                .setSource("notes")
                .setDocumentId(id)
                .setVersion("v1")
                .setTitle(id)
                .setSequence(1))
        .setModelId(model)
        .setDimension(HashingQueryEmbedder.DIMENSION)
        .setPartCount(1)
        .addChunks(c)
        .build();
  }

  /**
   * "quokka", two passages asked, two candidates per model and signal: what one model misses, the
   * other can bring.
   */
  private static RetrievalQuery quokka(
      String tenant, RetrievalMode mode, Boolean completeScores, EnsembleSettings ensemble) {
    return new RetrievalQuery(
        tenant,
        "quokka",
        2,
        List.of(),
        mode,
        Map.of(),
        PassageFilter.NONE,
        new HybridSettings(null, Double.NaN, 2, completeScores),
        null,
        null,
        ensemble);
  }

  private static RetrievalQuery dense(String tenant, EnsembleSettings ensemble) {
    return quokka(tenant, RetrievalMode.DENSE, null, ensemble);
  }

  private static RetrievalQuery hybrid(String tenant, boolean completeScores) {
    return quokka(tenant, RetrievalMode.HYBRID, completeScores, new EnsembleSettings(false, 0.7));
  }

  @Test
  void aPassageOnlyTheSecondModelFindsIsReturnedFromTheLiveIndex() throws Exception {
    String tenant = "ensemble-" + UUID.randomUUID();
    String live = HashingQueryEmbedder.MODEL;
    indexQuokkaDocuments(tenant);

    List<Passage> alone =
        service.retrieve(dense(tenant, new EnsembleSettings(true, Double.NaN))).passages();
    assertThat(alone).extracting(Passage::documentId).containsExactly("a", "c");

    List<Passage> both =
        service.retrieve(dense(tenant, new EnsembleSettings(false, 0.5))).passages();
    assertThat(both).extracting(Passage::documentId).containsExactlyInAnyOrder("a", "b");
    Passage b = both.stream().filter(p -> p.documentId().equals("b")).findFirst().orElseThrow();
    assertThat(b.pointId()).isEqualTo(PointIds.of(tenant, "notes", "b", "v1", 0, live).toString());
    assertThat(b.text()).isEqualTo("text of b");

    List<Passage> secondOnly =
        service.retrieve(dense(tenant, new EnsembleSettings(false, 1.0))).passages();
    assertThat(secondOnly.get(0).documentId()).isEqualTo("b");
  }

  /**
   * Indexes documents a, b and c in both models and waits until both indexes hold them. The live
   * model puts a, then c, closest to "quokka"; the second model b, then c.
   */
  private void indexQuokkaDocuments(String tenant) throws Exception {
    String live = HashingQueryEmbedder.MODEL;
    String second = HashingEnsembleModel.MODEL;
    List<EmbeddingsEvent> events =
        List.of(
            document(live, tenant, "a", "text of a", "quokka"),
            document(live, tenant, "b", "text of b", "zebra"),
            document(live, tenant, "c", "text of c", "quokka zebra"),
            document(second, tenant, "a", "text of a", "zebra"),
            document(second, tenant, "b", "text of b", "quokka"),
            document(second, tenant, "c", "text of c", "quokka zebra"));
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (EmbeddingsEvent e : events) {
        DocumentHeader h = e.getHeader();
        producer
            .send(
                new ProducerRecord<>(
                    Topics.EMBEDDINGS,
                    Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
                    e.toByteArray()))
            .get();
      }
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                List.of("a", "b", "c").stream()
                    .allMatch(
                        id ->
                            repository.countPoints(live, tenant, "notes", id) == 1
                                && repository.countPoints(second, tenant, "notes", id) == 1));
  }

  @Test
  void withScoreCompletionEachModelScoresWhatOnlyTheOtherFound() throws Exception {
    String tenant = "ensemble-complete-" + UUID.randomUUID();
    // Two candidates per model: the live model finds a (1) and c (1/sqrt 2), the second b (1) and
    // c; each model's vector of the other's find is orthogonal to the query (0).
    indexQuokkaDocuments(tenant);

    List<Passage> completed = service.retrieve(hybrid(tenant, true)).passages();
    // Blended 0.3 live + 0.7 second: c 0.707, b 0.7 (0 from the live model), a 0.3.
    assertThat(completed).extracting(Passage::documentId).containsExactly("c", "b");
    assertThat(completed.get(0).scores().dense()).isCloseTo(Math.sqrt(0.5), within(1e-4));
    assertThat(completed.get(1).scores().dense()).isCloseTo(0.7, within(1e-4));

    // Without completion, a model's missing score is its list's lowest (c's): b 0.912, a 0.795.
    List<Passage> floored = service.retrieve(hybrid(tenant, false)).passages();
    assertThat(floored).extracting(Passage::documentId).containsExactly("b", "a");
    assertThat(floored.get(0).scores().dense()).isCloseTo(0.3 * Math.sqrt(0.5) + 0.7, within(1e-4));
  }
}
