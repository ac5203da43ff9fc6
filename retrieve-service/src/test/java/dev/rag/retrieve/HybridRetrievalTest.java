package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.proto.v1.Filter;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsRequest;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import dev.rag.testsupport.TopicWriter;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Hybrid, multi-source and filtered retrieval against a real Qdrant, fed through real Kafka. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
@WithTestResource(ServiceKeyResource.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HybridRetrievalTest {

  private final String tenant = "hybrid-" + UUID.randomUUID();

  @GrpcClient("retrieve")
  Retrieve grpc;

  @Inject QdrantPassageRepository repository;

  private void index(String source, String id, Map<String, String> metadata, String... texts) {
    EmbeddingsEvent.Builder b =
        EmbeddingsEvent.newBuilder()
            .setHeader(
                DocumentHeader.newBuilder()
                    .setTenant(tenant)
                    .setSource(source)
                    .setDocumentId(id)
                    .setVersion("v1")
                    .setTitle(id)
                    .putAllMetadata(metadata))
            .setModelId(HashingQueryEmbedder.MODEL)
            .setDimension(HashingQueryEmbedder.DIMENSION)
            .setPartCount(1);
    for (int i = 0; i < texts.length; i++) {
      EmbeddedChunk.Builder c =
          EmbeddedChunk.newBuilder()
              .setChunk(
                  Chunk.newBuilder().setIndex(i).setText(texts[i]).setEmbeddingText(texts[i]));
      for (float x : HashingQueryEmbedder.vector(texts[i])) {
        c.addVector(x);
      }
      b.addChunks(c);
    }
    TopicWriter.send(
        KafkaBroker.shared().bootstrapServers(),
        Topics.EMBEDDINGS,
        Topics.documentKey(tenant, source, id),
        b.build().toByteArray());
  }

  @BeforeAll
  void indexCorpus() {
    index(
        "papers",
        "zebra",
        Map.of("year", "2021"),
        "Zebras have black and white stripes that confuse flies.");
    index(
        "papers",
        "quokka",
        Map.of("year", "2024"),
        "The quokka is a small marsupial living on Rottnest Island.");
    index(
        "papers",
        "long",
        Map.of("year", "2024"),
        "Stripes on animals. Part one about stripes.",
        "Stripes on animals. Part two about stripes.",
        "Stripes on animals. Part three about stripes.",
        "Stripes on animals. Part four about stripes.");
    index("web", "zebra-copy", Map.of(), "Zebras have black and white stripes that confuse flies!");
    index(
        "notes",
        "quokka-note",
        Map.of("year", "2024"),
        "Quokkas smile for photographs on the island.");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "long") == 4
                    && repository.countPoints(
                            HashingQueryEmbedder.MODEL, tenant, "web", "zebra-copy")
                        == 1
                    && repository.countPoints(
                            HashingQueryEmbedder.MODEL, tenant, "notes", "quokka-note")
                        == 1
                    && repository.countPoints(
                            HashingQueryEmbedder.MODEL, tenant, "papers", "quokka")
                        == 1
                    && repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "zebra")
                        == 1);
  }

  private List<Passage> retrieve(RetrieveRequest.Builder request) {
    return grpc.retrieve(request.setTenant(tenant).build())
        .await()
        .atMost(Duration.ofSeconds(30))
        .getPassagesList();
  }

  @Test
  void sparseModeFindsARareTermThatDenseHashingMisses() {
    List<Passage> sparse =
        retrieve(
            RetrieveRequest.newBuilder()
                .setQuery("Rottnest")
                .setTopK(3)
                .setMode(RetrievalMode.RETRIEVAL_MODE_SPARSE));
    assertThat(sparse.get(0).getDocumentId()).isEqualTo("quokka");
    assertThat(sparse.get(0).getScores().getSparse()).isPositive();
    assertThat(sparse.get(0).getScores().getDense()).isZero();
  }

  @Test
  void aDocumentsYearInItsMetadataIsSearchedWithItsWords() {
    // "2021" is in zebra's metadata only, never in a passage's text
    // (retrieve.lexical.metadata-fields).
    List<Passage> sparse =
        retrieve(
            RetrieveRequest.newBuilder()
                .setQuery("2021")
                .setTopK(3)
                .setMode(RetrievalMode.RETRIEVAL_MODE_SPARSE));
    assertThat(sparse).extracting(Passage::getDocumentId).containsExactly("zebra");
    assertThat(sparse.get(0).getText()).doesNotContain("2021");
  }

  @Test
  void hybridModeReportsBothSignalsAndTheFusedScore() {
    List<Passage> hybrid =
        retrieve(
            RetrieveRequest.newBuilder()
                .setQuery("quokka marsupial island")
                .setTopK(5)
                .setMode(RetrievalMode.RETRIEVAL_MODE_HYBRID));
    Passage top = hybrid.get(0);
    assertThat(top.getDocumentId()).isEqualTo("quokka");
    assertThat(top.getScores().getDense()).isPositive();
    assertThat(top.getScores().getSparse()).isPositive();
    assertThat(top.getScores().getFused()).isEqualTo(top.getScores().getFinal()).isPositive();
  }

  @Test
  void fullModeSearchesEverySourceCollapsesDuplicatesAndCapsOneDocument() {
    List<Passage> full =
        retrieve(
            RetrieveRequest.newBuilder()
                .setQuery("zebra stripes")
                .setTopK(10)
                .setMode(RetrievalMode.RETRIEVAL_MODE_FULL));

    assertThat(full).extracting(Passage::getSource).contains("papers");
    // The web copy of the zebra passage is a near-duplicate: only one of the two stays.
    assertThat(full)
        .filteredOn(p -> p.getText().startsWith("Zebras have black and white stripes"))
        .hasSize(1);
    // At most three passages of the long document.
    assertThat(full).filteredOn(p -> p.getDocumentId().equals("long")).hasSize(3);
  }

  @Test
  void sourceWeightsShiftTheRanking() {
    RetrieveRequest.Builder base =
        RetrieveRequest.newBuilder()
            .setQuery("quokka island")
            .setTopK(5)
            .setMode(RetrievalMode.RETRIEVAL_MODE_FULL);
    Passage unweighted = retrieve(base.clone()).get(0);
    assertThat(unweighted.getSource()).isIn("papers", "notes");
    String other = unweighted.getSource().equals("papers") ? "notes" : "papers";

    List<Passage> weighted = retrieve(base.clone().putSourceWeights(unweighted.getSource(), 0.1));
    assertThat(weighted.get(0).getSource()).isEqualTo(other);
    Passage demoted =
        weighted.stream()
            .filter(p -> p.getPointId().equals(unweighted.getPointId()))
            .findFirst()
            .orElseThrow();
    assertThat(demoted.getScores().getFinal()).isLessThan(demoted.getScores().getFused());
  }

  @Test
  void filtersBySourceDocumentAndMetadataInEveryMode() {
    for (RetrievalMode mode :
        List.of(
            RetrievalMode.RETRIEVAL_MODE_DENSE,
            RetrievalMode.RETRIEVAL_MODE_SPARSE,
            RetrievalMode.RETRIEVAL_MODE_HYBRID,
            RetrievalMode.RETRIEVAL_MODE_FULL)) {
      assertThat(
              retrieve(
                  RetrieveRequest.newBuilder()
                      .setQuery("stripes quokka zebra island")
                      .setTopK(10)
                      .setMode(mode)
                      .setFilter(Filter.newBuilder().putMetadata("year", "2024"))))
          .as(mode.name())
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p.getMetadataMap()).containsEntry("year", "2024"));
      assertThat(
              retrieve(
                  RetrieveRequest.newBuilder()
                      .setQuery("stripes quokka zebra island")
                      .setTopK(10)
                      .setMode(mode)
                      .setFilter(
                          Filter.newBuilder().addDocumentIds("zebra").addDocumentIds("quokka"))))
          .as(mode.name())
          .extracting(Passage::getDocumentId)
          .isNotEmpty()
          .allMatch(id -> id.equals("zebra") || id.equals("quokka"));
      assertThat(
              retrieve(
                  RetrieveRequest.newBuilder()
                      .setQuery("stripes quokka zebra island")
                      .setTopK(10)
                      .setMode(mode)
                      .addSources("notes")))
          .as(mode.name())
          .extracting(Passage::getSource)
          .containsOnly("notes");
    }
  }

  @Test
  void reportsDocumentsAndPassagesPerSource() {
    List<SourceStats> stats =
        grpc.stats(StatsRequest.newBuilder().setTenant(tenant).build())
            .await()
            .atMost(Duration.ofSeconds(30))
            .getSourcesList();
    assertThat(stats)
        .extracting(s -> s.getSource() + ":" + s.getDocuments() + "/" + s.getPassages())
        .containsExactly("notes:1/1", "papers:3/6", "web:1/1");
  }

  @Test
  void withScoreCompletionEveryCandidateCarriesWhatBothSignalsGiveIt() {
    // Dense (word counts, common words too) favours the passage with "the"; lexical, "part two".
    String query = "the the the the the stripes part two";
    // Each signal's own ranking and scores of the source's passages, searched deep.
    Map<String, Double> denseOf = new LinkedHashMap<>();
    for (Passage p : signal(query, RetrievalMode.RETRIEVAL_MODE_DENSE)) {
      denseOf.put(p.getPointId(), p.getScores().getDense());
    }
    Map<String, Double> sparseOf = new LinkedHashMap<>();
    for (Passage p : signal(query, RetrievalMode.RETRIEVAL_MODE_SPARSE)) {
      sparseOf.put(p.getPointId(), p.getScores().getSparse());
    }
    // HYBRID fetches top_k candidates per signal, FULL twice as many: with top_k 1, the signals'
    // best one and best two differ, so each signal fetches a passage the other does not.
    List<String> denseRanking = List.copyOf(denseOf.keySet());
    List<String> sparseRanking = List.copyOf(sparseOf.keySet());
    assertThat(denseRanking.get(0)).isNotEqualTo(sparseRanking.get(0));
    assertThat(Set.copyOf(denseRanking.subList(0, 2)))
        .isNotEqualTo(Set.copyOf(sparseRanking.subList(0, 2)));
    for (RetrievalMode mode :
        List.of(RetrievalMode.RETRIEVAL_MODE_HYBRID, RetrievalMode.RETRIEVAL_MODE_FULL)) {
      RetrieveRequest.Builder request =
          RetrieveRequest.newBuilder()
              .setQuery(query)
              .setTopK(1)
              .setMode(mode)
              .addSources("papers");
      HybridOptions.Builder shallow = HybridOptions.newBuilder().setDepth(1);
      Passage without = retrieve(request.clone().setHybrid(shallow)).get(0);
      Passage with =
          retrieve(request.clone().setHybrid(shallow.clone().setCompleteScores(true))).get(0);
      // Without completion, the best passage lacks the score of the signal that did not fetch it.
      assertThat(without.getScores().getDense() * without.getScores().getSparse())
          .as(mode.name())
          .isZero();
      assertThat(with.getScores().getDense())
          .as(mode + " dense of " + with.getDocumentId())
          .isCloseTo(denseOf.get(with.getPointId()), within(1e-5));
      assertThat(with.getScores().getSparse())
          .as(mode + " sparse of " + with.getDocumentId())
          .isCloseTo(sparseOf.getOrDefault(with.getPointId(), 0.0), within(1e-4));
    }
  }

  private List<Passage> signal(String query, RetrievalMode mode) {
    return retrieve(
        RetrieveRequest.newBuilder()
            .setQuery(query)
            .setTopK(20)
            .setMode(mode)
            .addSources("papers"));
  }
}
