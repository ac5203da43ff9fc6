package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.ConsumerGroups;
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
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events of one document arriving out of order, as a replay racing live updates delivers them: the
 * index keeps the newest version (by the sequence the events carry) and remembers deletions.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
class VersionOrderTest {

  private static final Duration BOUND = Duration.ofSeconds(60);
  private static KafkaProducer<String, byte[]> producer;

  @Inject QdrantPassageRepository repository;

  @BeforeAll
  static void connect() {
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void disconnect() {
    producer.close();
  }

  private static RecordMetadata publish(EmbeddingsEvent event) throws Exception {
    DocumentHeader h = event.getHeader();
    return producer
        .send(
            new ProducerRecord<>(
                Topics.EMBEDDINGS,
                Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
                event.toByteArray()))
        .get();
  }

  /** Waits until retrieve-service has processed the record, whatever it made of it. */
  private static void awaitProcessed(RecordMetadata record) {
    ConsumerGroups.awaitProcessed(
        KafkaBroker.shared().bootstrapServers(), "retrieve-service", record, BOUND);
  }

  private static DocumentHeader header(String tenant, String id, String version, long sequence) {
    return DocumentHeader.newBuilder()
        .setTenant(tenant)
        .setSource("notes")
        .setDocumentId(id)
        .setVersion(version)
        .setTitle(id)
        .setSequence(sequence)
        .build();
  }

  private static EmbeddingsEvent version(
      String model, String tenant, String id, String version, long sequence, String... texts) {
    EmbeddingsEvent.Builder b =
        EmbeddingsEvent.newBuilder()
            .setHeader(header(tenant, id, version, sequence))
            .setModelId(model)
            .setDimension(HashingQueryEmbedder.DIMENSION)
            .setPartCount(1);
    for (int i = 0; i < texts.length; i++) {
      EmbeddedChunk.Builder c =
          EmbeddedChunk.newBuilder().setChunk(Chunk.newBuilder().setIndex(i).setText(texts[i]));
      for (float x : HashingQueryEmbedder.vector(texts[i])) {
        c.addVector(x);
      }
      b.addChunks(c);
    }
    return b.build();
  }

  private static EmbeddingsEvent deletion(String model, String tenant, String id, long sequence) {
    return EmbeddingsEvent.newBuilder()
        .setHeader(header(tenant, id, "", sequence))
        .setModelId(model)
        .setDimension(HashingQueryEmbedder.DIMENSION)
        .setPartCount(1)
        .setDeleted(true)
        .build();
  }

  private long points(String model, String tenant, String id) {
    return repository.countPoints(model, tenant, "notes", id);
  }

  private List<String> versions(String tenant, String query) {
    var scopes = List.of(new PassageRepository.SearchScope("all", List.of()));
    var vectors =
        new PassageRepository.QueryVectors(
            HashingQueryEmbedder.MODEL, HashingQueryEmbedder.vector(query), null);
    var hits = repository.search(tenant, scopes, PassageFilter.NONE, vectors, 10).get(0).dense();
    return repository.load(HashingQueryEmbedder.MODEL, hits).stream()
        .map(Passage::version)
        .toList();
  }

  @Test
  void anOlderVersionArrivingAfterANewerOneIsIgnored() throws Exception {
    String tenant = "order-" + UUID.randomUUID();
    String model = HashingQueryEmbedder.MODEL;
    publish(version(model, tenant, "doc", "v2", 20, "the new text", "more new text"));
    await().atMost(BOUND).until(() -> points(model, tenant, "doc") == 2);

    awaitProcessed(publish(version(model, tenant, "doc", "v1", 10, "the old text")));

    assertThat(points(model, tenant, "doc")).isEqualTo(2);
    assertThat(versions(tenant, "the old text")).containsOnly("v2");
  }

  @Test
  void aDeletionIsNotUndoneByAnOlderVersionReplayedAfterIt() throws Exception {
    String tenant = "order-" + UUID.randomUUID();
    String model = HashingQueryEmbedder.MODEL;
    EmbeddingsEvent v1 = version(model, tenant, "gone", "v1", 10, "a deleted passage");
    publish(v1);
    await().atMost(BOUND).until(() -> points(model, tenant, "gone") == 1);
    publish(deletion(model, tenant, "gone", 20));
    await().atMost(BOUND).until(() -> points(model, tenant, "gone") == 0);

    // A replay that read the documents topic before the deletion sends the old version again.
    awaitProcessed(publish(v1));

    assertThat(points(model, tenant, "gone")).isZero();
  }

  @Test
  void aDeletionThatReachesAModelsIndexFirstStillWins() throws Exception {
    // A reindex: the new model's index sees a live deletion before the replay's older version,
    // possibly before it has any passage at all.
    String tenant = "order-" + UUID.randomUUID();
    String model = "order-model-" + UUID.randomUUID().toString().substring(0, 8);
    publish(deletion(model, tenant, "doc", 20));
    awaitProcessed(publish(version(model, tenant, "doc", "v1", 10, "resurrected text")));
    publish(version(model, tenant, "other", "v1", 30, "a live document"));
    await().atMost(BOUND).until(() -> points(model, tenant, "other") == 1);

    assertThat(points(model, tenant, "doc")).isZero();
  }

  @Test
  void aDocumentDeletedThenSentAgainIsIndexedAgain() throws Exception {
    String tenant = "order-" + UUID.randomUUID();
    String model = HashingQueryEmbedder.MODEL;
    publish(version(model, tenant, "back", "v1", 10, "it comes back"));
    await().atMost(BOUND).until(() -> points(model, tenant, "back") == 1);
    publish(deletion(model, tenant, "back", 20));
    await().atMost(BOUND).until(() -> points(model, tenant, "back") == 0);

    // The same content again: the same version and point ids, under a newer sequence.
    publish(version(model, tenant, "back", "v1", 30, "it comes back"));
    await().atMost(BOUND).until(() -> points(model, tenant, "back") == 1);
  }
}
