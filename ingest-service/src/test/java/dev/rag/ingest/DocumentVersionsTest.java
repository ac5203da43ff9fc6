package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.rag.common.Topics;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Every event downstream of the documents topic carries the sequence of the record it came from,
 * and a deletion is never mistaken for an unchanged document.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
class DocumentVersionsTest {

  private static final Duration BOUND = Duration.ofSeconds(30);

  private static String bootstrap() {
    return KafkaBroker.shared().bootstrapServers();
  }

  private static ExtractableResponse<Response> post(Map<String, Object> doc) {
    return given()
        .contentType("application/json")
        .body(doc)
        .post("/v1/documents")
        .then()
        .statusCode(202)
        .extract();
  }

  private static List<ConsumerRecord<String, byte[]>> documentRecords(String key) {
    return TopicReader.readToEnd(bootstrap(), Topics.DOCUMENTS, r -> key.equals(r.key()));
  }

  /** What retrieve-service writes once a version is searchable. */
  private static void reportIndexed(String id, String version, long sequence) {
    TopicWriter.send(
        bootstrap(),
        Topics.STATUS,
        Topics.documentKey("default", "default", id),
        DocumentStatus.newBuilder()
            .setTenant("default")
            .setSource("default")
            .setDocumentId(id)
            .setVersion(version)
            .setState(DocumentState.DOCUMENT_STATE_INDEXED)
            .setStage("retrieve")
            .setSequence(sequence)
            .build()
            .toByteArray());
    await()
        .atMost(BOUND)
        .untilAsserted(
            () -> given().get("/v1/documents/" + id).then().body("state", equalTo("indexed")));
  }

  @Test
  void chunkEventsCarryTheOffsetOfTheirDocumentsRecord() {
    String id = "seq-" + UUID.randomUUID();
    String key = Topics.documentKey("default", "default", id);
    long offset =
        post(Map.of("id", id, "text", "A text with a sequence."))
            .<Number>path("offset")
            .longValue();
    given().delete("/v1/documents/" + id).then().statusCode(202);

    List<ChunksEvent> events =
        TopicReader.awaitValues(bootstrap(), Topics.CHUNKS, key, 2, BOUND, ChunksEvent::parseFrom);
    assertThat(events).hasSize(2);
    assertThat(events.get(0).getHeader().getSequence()).isEqualTo(offset);
    List<ConsumerRecord<String, byte[]>> records = documentRecords(key);
    assertThat(records.get(records.size() - 1).value()).isNull();
    assertThat(events.get(1).getDeleted()).isTrue();
    assertThat(events.get(1).getHeader().getSequence())
        .isEqualTo(records.get(records.size() - 1).offset());
  }

  @Test
  void aDocumentDeletedAndSentAgainAtOnceIsPublishedAgain() {
    String id = "again-" + UUID.randomUUID();
    String key = Topics.documentKey("default", "default", id);
    Map<String, Object> doc = Map.of("id", id, "text", "Deleted, then sent again at once.");
    var receipt = post(doc);
    reportIndexed(id, receipt.path("version"), receipt.<Number>path("offset").longValue());

    given().delete("/v1/documents/" + id).then().statusCode(202);
    // Before the pipeline has removed anything: the same bytes again must not be "unchanged".
    assertThat(post(doc).<String>path("status")).isEqualTo(AcceptedDocument.ACCEPTED);

    List<ConsumerRecord<String, byte[]>> records = documentRecords(key);
    assertThat(records.get(records.size() - 1).value())
        .as("the document topic's last word on %s", key)
        .isNotNull();
  }

  @Test
  void aDeletionThroughAnotherInstanceIsSeenBeforeAnUploadIsCalledUnchanged() {
    String id = "elsewhere-" + UUID.randomUUID();
    String key = Topics.documentKey("default", "default", id);
    Map<String, Object> doc = Map.of("id", id, "text", "Deleted through another replica.");
    var receipt = post(doc);
    reportIndexed(id, receipt.path("version"), receipt.<Number>path("offset").longValue());

    // Another ingest instance deletes it: a tombstone, then its status, both acknowledged.
    TopicWriter.send(bootstrap(), Topics.DOCUMENTS, key, null);
    long tombstone = documentRecords(key).get(documentRecords(key).size() - 1).offset();
    TopicWriter.send(
        bootstrap(),
        Topics.STATUS,
        key,
        DocumentStatus.newBuilder()
            .setTenant("default")
            .setSource("default")
            .setDocumentId(id)
            .setState(DocumentState.DOCUMENT_STATE_DELETING)
            .setStage("ingest")
            .setSequence(tombstone)
            .build()
            .toByteArray());

    assertThat(post(doc).<String>path("status")).isEqualTo(AcceptedDocument.ACCEPTED);
    List<ConsumerRecord<String, byte[]>> records = documentRecords(key);
    assertThat(records.get(records.size() - 1).value()).isNotNull();
  }
}
