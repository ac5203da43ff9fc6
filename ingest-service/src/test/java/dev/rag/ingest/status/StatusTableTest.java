package dev.rag.ingest.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.ingest.StatusStore.Usage;
import dev.rag.ingest.mapping.StatusMapper;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.testsupport.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status store on its real engine (a Kafka Streams global store on RocksDB) and a real broker:
 * each test owns its status topic and state directories.
 */
class StatusTableTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final KafkaBroker broker = KafkaBroker.shared();
  private final KafkaClients kafka =
      KafkaClients.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
  private final List<DocumentStatusStore> stores = new ArrayList<>();
  private String topic;
  private KafkaProducer<String, byte[]> producer;

  @BeforeEach
  void createTopic() {
    topic = "status-test-" + UUID.randomUUID();
    broker.createTopics(2, List.of(topic));
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterEach
  void stopStores() throws Exception {
    stores.forEach(DocumentStatusStore::stop);
    producer.close();
    try (var admin = broker.admin()) {
      admin.deleteTopics(List.of(topic)).all().get();
    }
  }

  private DocumentStatusStore store(Path dir, String applicationId, Duration deletedRetention) {
    DocumentStatusStore store =
        new DocumentStatusStore(
            kafka,
            new StatusTable.Settings(
                topic, applicationId, dir, 1 << 20, 1 << 20, deletedRetention));
    stores.add(store);
    store.start();
    await().atMost(WAIT).until(store::caughtUp);
    return store;
  }

  private static Path dir() throws IOException {
    Files.createDirectories(Path.of("target"));
    return Files.createTempDirectory(Path.of("target"), "status-table-");
  }

  private static DocumentStatus status(
      String tenant, String id, DocumentState state, long sequence, long bytes) {
    return DocumentStatus.newBuilder()
        .setTenant(tenant)
        .setSource("s")
        .setDocumentId(id)
        .setVersion(state == DocumentState.DOCUMENT_STATE_DELETED ? "" : "v" + sequence)
        .setState(state)
        .setSequence(sequence)
        .setBytes(bytes)
        .build();
  }

  private void send(DocumentStatus s) throws Exception {
    send(s, System.currentTimeMillis());
  }

  private void send(DocumentStatus s, long timestamp) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic, null, timestamp, key(s.getTenant(), s.getDocumentId()), s.toByteArray()))
        .get();
  }

  /**
   * Waits until the store has read its topic up to where it stood when asked: one call gives up
   * after {@link DocumentStatusStore#CATCH_UP_TIMEOUT}, which a busy machine can overrun.
   */
  private static void awaitCaughtUp(DocumentStatusStore store, String key) {
    await().atMost(WAIT).until(() -> store.caughtUpWith(key).await().indefinitely());
  }

  private static String key(String tenant, String id) {
    return Topics.documentKey(tenant, "s", id);
  }

  private static Optional<DocumentState> state(DocumentStatusStore store, String key) {
    return store.get(key).map(s -> StatusMapper.toProto(s.state()));
  }

  @Test
  void aRestartKeepsTheStatusesAndReadsOnlyWhatCameAfter() throws Exception {
    Path dir = dir();
    send(status("t", "a", DocumentState.DOCUMENT_STATE_ACCEPTED, 10, 100));
    send(status("t", "a", DocumentState.DOCUMENT_STATE_INDEXED, 10, 0));
    send(status("t", "b", DocumentState.DOCUMENT_STATE_ACCEPTED, 11, 50));
    // Documents on both partitions, so that one of them gets nothing new after the restart.
    for (int i = 0; i < 10; i++) {
      send(status("t", "p" + i, DocumentState.DOCUMENT_STATE_FAILED, 100 + i, 0));
    }
    DocumentStatusStore first = store(dir, "ingest-status-store", Duration.ofHours(1));
    awaitCaughtUp(first, key("t", "b"));
    assertThat(state(first, key("t", "a"))).contains(DocumentState.DOCUMENT_STATE_INDEXED);
    assertThat(first.usage("t")).isEqualTo(new Usage(2, 150));
    first.stop();

    send(status("t", "b", DocumentState.DOCUMENT_STATE_FAILED, 11, 0));
    DocumentStatusStore again = store(dir, "ingest-status-store", Duration.ofHours(1));
    awaitCaughtUp(again, key("t", "b"));
    awaitCaughtUp(again, key("t", "a"));
    DocumentStatus a = StatusMapper.toProto(again.get(key("t", "a")).orElseThrow());
    assertThat(a.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_INDEXED);
    assertThat(a.getBytes()).as("merged with the accepted record read before").isEqualTo(100);
    assertThat(state(again, key("t", "b"))).contains(DocumentState.DOCUMENT_STATE_FAILED);
    assertThat(again.usage("t")).isEqualTo(new Usage(1, 100));
    for (int i = 0; i < 10; i++) {
      // Read-your-writes on a partition restored from the checkpoint alone.
      awaitCaughtUp(again, key("t", "p" + i));
    }
  }

  @Test
  void aDeletionRemovesTheStatusAndItsUsageAfterTheRetention() throws Exception {
    DocumentStatusStore store = store(dir(), "ingest-status-store", Duration.ofSeconds(10));
    long t0 = System.currentTimeMillis();
    send(status("del", "gone", DocumentState.DOCUMENT_STATE_ACCEPTED, 10, 100), t0);
    send(status("del", "kept", DocumentState.DOCUMENT_STATE_ACCEPTED, 11, 40), t0);
    await().atMost(WAIT).until(() -> store.usage("del").equals(new Usage(2, 140)));

    send(status("del", "gone", DocumentState.DOCUMENT_STATE_DELETING, 20, 0), t0 + 1);
    send(status("del", "gone", DocumentState.DOCUMENT_STATE_DELETED, 20, 0), t0 + 2);
    await()
        .atMost(WAIT)
        .until(
            () ->
                state(store, key("del", "gone")).isPresent()
                    && state(store, key("del", "gone")).get()
                        == DocumentState.DOCUMENT_STATE_DELETED);
    assertThat(store.usage("del")).isEqualTo(new Usage(1, 40));

    // Any record 10 s of record time later (here another tenant's) ends the retention.
    send(status("other", "x", DocumentState.DOCUMENT_STATE_ACCEPTED, 30, 1), t0 + 12_000);
    await().atMost(WAIT).until(() -> store.get(key("del", "gone")).isEmpty());
    assertThat(state(store, key("del", "kept"))).contains(DocumentState.DOCUMENT_STATE_ACCEPTED);
    assertThat(store.usage("del")).isEqualTo(new Usage(1, 40));

    // A replica that reads the whole topic from the start comes to the same answer.
    DocumentStatusStore fresh = store(dir(), "another-replica", Duration.ofSeconds(10));
    awaitCaughtUp(fresh, key("other", "x"));
    awaitCaughtUp(fresh, key("del", "gone"));
    assertThat(fresh.get(key("del", "gone"))).isEmpty();
    assertThat(fresh.usage("del")).isEqualTo(new Usage(1, 40));
  }

  @Test
  void aVersionSentAgainAfterADeletionIsNotRemoved() throws Exception {
    DocumentStatusStore store = store(dir(), "ingest-status-store", Duration.ZERO);
    long t0 = System.currentTimeMillis();
    send(status("again", "d", DocumentState.DOCUMENT_STATE_DELETING, 20, 0), t0);
    send(status("again", "d", DocumentState.DOCUMENT_STATE_ACCEPTED, 30, 70), t0 + 1);
    send(status("again", "d", DocumentState.DOCUMENT_STATE_DELETED, 20, 0), t0 + 2);
    send(status("again", "z", DocumentState.DOCUMENT_STATE_ACCEPTED, 31, 1), t0 + 5_000);
    awaitCaughtUp(store, key("again", "d"));
    awaitCaughtUp(store, key("again", "z"));
    assertThat(state(store, key("again", "d"))).contains(DocumentState.DOCUMENT_STATE_ACCEPTED);
    assertThat(store.usage("again")).isEqualTo(new Usage(2, 71));
  }

  @Test
  void twoReplicasAnswerTheSame() throws Exception {
    DocumentStatusStore one = store(dir(), "replica-one", Duration.ofHours(1));
    DocumentStatusStore two = store(dir(), "replica-two", Duration.ofHours(1));
    List<DocumentStatus> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = "doc-" + i;
      records.add(status("two", id, DocumentState.DOCUMENT_STATE_CHUNKED, i + 1, 0));
      records.add(status("two", id, DocumentState.DOCUMENT_STATE_ACCEPTED, i + 1, 10 + i));
      if (i % 5 == 0) {
        records.add(status("two", id, DocumentState.DOCUMENT_STATE_FAILED, i + 1, 0));
      }
      if (i % 7 == 0) {
        records.add(status("two", id, DocumentState.DOCUMENT_STATE_INDEXED, i + 1, 0));
      }
    }
    for (DocumentStatus s : records) {
      send(s);
    }
    // What the merge alone makes of the records, in the order they were sent.
    Map<String, DocumentStatus> expected = new java.util.HashMap<>();
    for (DocumentStatus s : records) {
      expected.merge(key("two", s.getDocumentId()), s, StatusMerge::merge);
    }
    for (var e : expected.entrySet()) {
      awaitCaughtUp(one, e.getKey());
      awaitCaughtUp(two, e.getKey());
      assertThat(one.get(e.getKey()).map(StatusMapper::toProto)).contains(e.getValue());
      assertThat(two.get(e.getKey()).map(StatusMapper::toProto)).contains(e.getValue());
    }
    long documents =
        expected.values().stream()
            .filter(s -> s.getState() != DocumentState.DOCUMENT_STATE_FAILED)
            .count();
    long bytes =
        expected.values().stream()
            .filter(s -> s.getState() != DocumentState.DOCUMENT_STATE_FAILED)
            .mapToLong(DocumentStatus::getBytes)
            .sum();
    assertThat(one.usage("two")).isEqualTo(new Usage(documents, bytes)).isEqualTo(two.usage("two"));
  }

  @Test
  void whatThisInstanceWroteIsAnsweredBeforeTheTableReadsIt() throws Exception {
    DocumentStatusStore store = store(dir(), "ingest-status-store", Duration.ofHours(1));
    DocumentStatus mine = status("own", "new", DocumentState.DOCUMENT_STATE_ACCEPTED, 5, 30);
    store.apply(StatusMapper.fromProto(mine));
    assertThat(store.get(key("own", "new")).map(StatusMapper::toProto)).contains(mine);
    assertThat(store.usage("own")).isEqualTo(new Usage(1, 30));

    send(mine);
    send(status("own", "new", DocumentState.DOCUMENT_STATE_CHUNKED, 5, 0));
    awaitCaughtUp(store, key("own", "new"));
    assertThat(state(store, key("own", "new"))).contains(DocumentState.DOCUMENT_STATE_CHUNKED);
    assertThat(store.usage("own")).as("counted once").isEqualTo(new Usage(1, 30));
  }
}
