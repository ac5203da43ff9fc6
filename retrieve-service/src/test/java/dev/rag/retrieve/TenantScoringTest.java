package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
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

/** One tenant's scores do not depend on what other tenants index. */
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
                    .setSource("papers")
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
            Topics.EMBEDDINGS, Topics.documentKey(tenant, "papers", id), event.toByteArray()));
  }

  private long passages(String tenant) {
    return repository.stats(tenant, HashingQueryEmbedder.MODEL).stream()
        .mapToLong(PassageRepository.SourceCount::passages)
        .sum();
  }

  /** Each passage's id with every score the mode reports, in rank order. */
  private List<String> scores(String tenant, RetrievalMode mode) {
    return grpc
        .retrieve(
            RetrieveRequest.newBuilder()
                .setTenant(tenant)
                .setQuery(QUERY)
                .setTopK(10)
                .setMode(mode)
                .build())
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
      await().atMost(Duration.ofSeconds(120)).until(() -> passages(b) == 1000);

      assertThat(scores(a, RetrievalMode.RETRIEVAL_MODE_SPARSE)).isEqualTo(sparseBefore);
      assertThat(scores(a, RetrievalMode.RETRIEVAL_MODE_FULL)).isEqualTo(fullBefore);
    }
  }
}
