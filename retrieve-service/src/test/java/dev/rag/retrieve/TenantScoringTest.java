package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.proto.v1.LexicalOptions;
import dev.rag.proto.v1.LexicalStatistics;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import io.quarkus.grpc.GrpcClient;
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
 * One tenant's scores do not depend on what other tenants index, nor, with the lexical statistics
 * of the searched sources, one source's on what the tenant's other sources hold; feedback widens
 * the lexical signal to passages that share the best hits' terms.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
@WithTestResource(ServiceKeyResource.class)
class TenantScoringTest {

  private static final String QUERY = "graphene heat conduction in thin films";

  @GrpcClient("retrieve")
  Retrieve grpc;

  @Inject QdrantPassageRepository repository;

  private static void index(
      KafkaProducer<String, byte[]> producer, String tenant, String id, String text) {
    index(producer, tenant, "papers", id, text);
  }

  private static void index(
      KafkaProducer<String, byte[]> producer,
      String tenant,
      String source,
      String id,
      String text) {
    EmbeddedChunk.Builder chunk =
        EmbeddedChunk.newBuilder().setChunk(Chunk.newBuilder().setIndex(0).setText(text));
    for (float x : HashingQueryEmbedder.vector(text)) {
      chunk.addVector(x);
    }
    EmbeddingsEvent event =
        EmbeddingsEvent.newBuilder()
            .setHeader(
                DocumentHeader.newBuilder()
                    .setTenant(tenant)
                    .setSource(source)
                    .setDocumentId(id)
                    .setVersion("v1")
                    .setTitle(id))
            .setModelId(HashingQueryEmbedder.MODEL)
            .setDimension(HashingQueryEmbedder.DIMENSION)
            .setPartCount(1)
            .addChunks(chunk)
            .build();
    producer.send(
        new ProducerRecord<>(
            Topics.EMBEDDINGS, Topics.documentKey(tenant, source, id), event.toByteArray()));
  }

  private long passages(String tenant) {
    return repository.stats(tenant, HashingQueryEmbedder.MODEL).stream()
        .mapToLong(PassageRepository.SourceCount::passages)
        .sum();
  }

  /** Each passage's id with every score the mode reports, in rank order. */
  private List<String> scores(String tenant, RetrievalMode mode) {
    return scores(RetrieveRequest.newBuilder().setTenant(tenant).setMode(mode));
  }

  private List<String> scores(RetrieveRequest.Builder request) {
    return grpc
        .retrieve(request.setQuery(QUERY).setTopK(10).build())
        .await()
        .atMost(Duration.ofSeconds(30))
        .getPassagesList()
        .stream()
        .map(
            p ->
                p.getDocumentId()
                    + " dense="
                    + p.getScores().getDense()
                    + " sparse="
                    + p.getScores().getSparse()
                    + " final="
                    + p.getScores().getFinal())
        .toList();
  }

  @Test
  void aTenantsScoresDoNotMoveWhenAnotherTenantIndexesItsQueryTerms() {
    String a = "scoring-a-" + UUID.randomUUID();
    String b = "scoring-b-" + UUID.randomUUID();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      index(producer, a, "graphene", "Graphene conducts heat better than copper in thin films.");
      index(producer, a, "films", "Thin films of oxide crack when heated quickly.");
      index(producer, a, "phonons", "Phonons carry heat through crystals; conduction drops.");
      index(producer, a, "bees", "Bees keep their hive warm in winter.");
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> passages(a) == 4);

      List<String> sparseBefore = scores(a, RetrievalMode.RETRIEVAL_MODE_SPARSE);
      List<String> fullBefore = scores(a, RetrievalMode.RETRIEVAL_MODE_FULL);
      assertThat(sparseBefore).hasSize(3);

      for (int i = 0; i < 1000; i++) {
        index(
            producer,
            b,
            "flood-" + i,
            "graphene graphene heat conduction thin films graphene heat " + i);
      }
      producer.flush();
      await().atMost(Duration.ofSeconds(600)).until(() -> passages(b) == 1000);

      assertThat(scores(a, RetrievalMode.RETRIEVAL_MODE_SPARSE)).isEqualTo(sparseBefore);
      assertThat(scores(a, RetrievalMode.RETRIEVAL_MODE_FULL)).isEqualTo(fullBefore);
    }
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static RetrieveRequest.Builder sparse(String tenant, LexicalStatistics statistics) {
    return RetrieveRequest.newBuilder()
        .setTenant(tenant)
        .setMode(RetrievalMode.RETRIEVAL_MODE_SPARSE)
        .addSources("papers")
        .setLexical(LexicalOptions.newBuilder().setStatistics(statistics));
  }

  @Test
  void aSourcesLexicalScoresAreItsOwnUnlessTheTenantsStatisticsAreAsked() {
    String a = "sources-" + UUID.randomUUID();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      index(producer, a, "papers", "graphene", "Graphene conducts heat in thin films.");
      index(producer, a, "papers", "films", "Thin films of oxide crack when heated quickly.");
      index(producer, a, "papers", "bees", "Bees keep their hive warm in winter.");
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> passages(a) == 3);

      List<String> own = scores(sparse(a, LexicalStatistics.LEXICAL_STATISTICS_SEARCHED));
      List<String> tenant = scores(sparse(a, LexicalStatistics.LEXICAL_STATISTICS_TENANT));
      // One source so far: its statistics are the tenant's.
      assertThat(own).hasSize(2).isEqualTo(tenant);

      for (int i = 0; i < 50; i++) {
        index(producer, a, "notes", "note-" + i, "graphene graphene graphene note " + i);
      }
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> passages(a) == 53);

      assertThat(scores(sparse(a, LexicalStatistics.LEXICAL_STATISTICS_SEARCHED))).isEqualTo(own);
      assertThat(scores(sparse(a, LexicalStatistics.LEXICAL_STATISTICS_TENANT)))
          .as("graphene is common among the tenant's passages now, rare among the source's")
          .isNotEqualTo(tenant);
    }
  }

  @Test
  void feedbackFindsAPassageThatSharesTheBestHitsTermsButNoneOfTheQuerys() {
    String a = "feedback-" + UUID.randomUUID();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      index(
          producer,
          a,
          "papers",
          "best",
          "Graphene heat conduction in thin films: phonon lattice boundary scattering.");
      index(producer, a, "papers", "related", "Phonon boundary scattering in a lattice.");
      index(producer, a, "papers", "bees", "Bees keep their hive warm in winter.");
      producer.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> passages(a) == 3);

      RetrieveRequest.Builder plain = sparse(a, LexicalStatistics.LEXICAL_STATISTICS_SEARCHED);
      assertThat(scores(plain)).hasSize(1).allMatch(s -> s.startsWith("best "));

      RetrieveRequest.Builder expanded = sparse(a, LexicalStatistics.LEXICAL_STATISTICS_SEARCHED);
      expanded.setLexical(
          expanded.getLexical().toBuilder()
              .setFeedbackPassages(1)
              .setFeedbackTerms(20)
              .setFeedbackQueryWeight(0.5));
      List<String> found = scores(expanded);
      assertThat(found).hasSize(2);
      assertThat(found.get(0)).startsWith("best ");
      assertThat(found.get(1)).startsWith("related ");
    }
  }
}
