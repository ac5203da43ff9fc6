package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasLength;

import com.google.rpc.BadRequest;
import dev.rag.common.Topics;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.Document;
import dev.rag.proto.v1.Ingest;
import dev.rag.proto.v1.IngestRequest;
import dev.rag.proto.v1.IngestResponse;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class DocumentIngestTest {

  @GrpcClient("ingest")
  Ingest grpc;

  private static String bootstrap() {
    return KafkaBroker.shared().bootstrapServers();
  }

  private static List<ChunksEvent> chunksOf(String key, int atLeast) {
    return TopicReader.awaitValues(
        bootstrap(), Topics.CHUNKS, key, atLeast, Duration.ofSeconds(30), ChunksEvent::parseFrom);
  }

  @Test
  void chunksADocumentPostedOverHttp() {
    String id = "http-" + UUID.randomUUID();
    String text =
        "# Heading\n\nFirst paragraph. It has two sentences.\n\n## Part\n\nSecond paragraph.";
    given()
        .contentType("application/json")
        .body(
            Map.of(
                "id",
                id,
                "source",
                "notes",
                "title",
                "A note",
                "text",
                text,
                "contentType",
                "text/markdown",
                "metadata",
                Map.of("year", 2024, "author", "Ada")))
        .post("/v1/documents")
        .then()
        .statusCode(202)
        .body("id", equalTo(id))
        .body("source", equalTo("notes"))
        .body("version", hasLength(24));

    List<ChunksEvent> events = chunksOf("default/notes/" + id, 1);
    assertThat(events).hasSize(1);
    ChunksEvent event = events.get(0);
    assertThat(event.getHeader().getTenant()).isEqualTo("default");
    assertThat(event.getHeader().getTitle()).isEqualTo("A note");
    assertThat(event.getHeader().getMetadataMap())
        .containsEntry("year", "2024")
        .containsEntry("author", "Ada");
    assertThat(event.getTotalChunks()).isEqualTo(2);
    assertThat(event.getChunksList())
        .extracting(c -> c.getSection() + ": " + c.getText())
        .containsExactly(
            "Heading: First paragraph. It has two sentences.", "Heading > Part: Second paragraph.");
    assertThat(event.getChunks(1).getEmbeddingText())
        .isEqualTo("A note\nHeading > Part\n\nSecond paragraph.");
  }

  @Test
  void replaysTheDocumentsTopicForAnotherModel() {
    String id = "replay-" + UUID.randomUUID();
    given()
        .contentType("application/json")
        .body(Map.of("id", id, "title", "Replayed", "text", "Text to embed twice."))
        .post("/v1/documents")
        .then()
        .statusCode(202);
    String key = "default/default/" + id;
    chunksOf(key, 1);

    String replay =
        given()
            .contentType("application/json")
            .body(Map.of("targetModel", "e5-small-v2-int8"))
            .post("/v1/admin/replays")
            .then()
            .statusCode(202)
            .body("targetModel", equalTo("e5-small-v2-int8"))
            .extract()
            .path("id");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "done"
                    .equals(
                        given().get("/v1/admin/replays/" + replay).then().extract().path("state")));

    List<ConsumerRecord<String, byte[]>> records =
        TopicReader.await(
            bootstrap(), Topics.CHUNKS, r -> key.equals(r.key()), 2, Duration.ofSeconds(30));
    assertThat(records).hasSize(2);
    assertThat(records.get(0).headers().lastHeader(Topics.TARGET_MODEL_HEADER)).isNull();
    assertThat(
            new String(
                records.get(1).headers().lastHeader(Topics.TARGET_MODEL_HEADER).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("e5-small-v2-int8");

    given()
        .contentType("application/json")
        .body(Map.of("targetModel", "../etc"))
        .post("/v1/admin/replays")
        .then()
        .statusCode(400)
        .body("field", equalTo("targetModel"));
    // The model the live pipeline embeds with (as embed-service's Info says) is refused.
    given()
        .contentType("application/json")
        .body(Map.of("targetModel", LiveModelInfo.LIVE_MODEL))
        .post("/v1/admin/replays")
        .then()
        .statusCode(409)
        .body("type", equalTo("urn:rag:problem:replay-refused"));
    given().get("/v1/admin/replays/nope").then().statusCode(404);
  }

  @Test
  void acceptsARawMarkdownUpload() {
    String id = "upload-" + UUID.randomUUID();
    given()
        .contentType("text/markdown; charset=utf-8")
        .body("# Uploaded\n\nBody text of the upload.")
        .queryParam("id", id)
        .queryParam("title", "Uploaded file")
        .post("/v1/documents")
        .then()
        .statusCode(202)
        .body("id", equalTo(id));

    ChunksEvent event = chunksOf("default/default/" + id, 1).get(0);
    assertThat(event.getHeader().getTitle()).isEqualTo("Uploaded file");
    assertThat(event.getChunks(0).getSection()).isEqualTo("Uploaded");

    given()
        .contentType("text/plain")
        .body("no id given")
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .body("field", equalTo("id"));
  }

  @Test
  void refusesInvalidDocumentsWithProblemDetailsAndPublishesNothing() {
    long before = TopicReader.endOffsetSum(bootstrap(), Topics.DOCUMENTS);

    given()
        .contentType("application/json")
        .body(Map.of("id", "x", "text", ""))
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:rag:problem:invalid-document"))
        .body("field", equalTo("text"));
    given()
        .contentType("application/json")
        .body(Map.of("text", "some text"))
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .body("field", equalTo("id"));
    given()
        .contentType("application/json")
        .body(Map.of("id", "x", "text", "y".repeat(8 * 1024 * 1024 + 1)))
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .body("field", equalTo("text"));
    given()
        .contentType("application/json")
        .body(Map.of("id", "x", "text", "t", "colour", "blue"))
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("field", equalTo("colour"));
    given()
        .contentType("application/json")
        .body(Map.of("id", "x", "text", "t", "metadata", Map.of("nested", Map.of("a", 1))))
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .body("field", equalTo("metadata.nested"));
    given()
        .contentType("application/json")
        .body("{\"id\": \"x\", \"text\": ")
        .post("/v1/documents")
        .then()
        .statusCode(400)
        .body("type", equalTo("urn:rag:problem:malformed-request"));

    assertThat(TopicReader.endOffsetSum(bootstrap(), Topics.DOCUMENTS)).isEqualTo(before);
  }

  @Test
  void acceptsDocumentsOverGrpcAndRefusesBadOnesWithFieldDetails() {
    String id = "grpc-" + UUID.randomUUID();
    IngestResponse response =
        grpc.ingest(
                IngestRequest.newBuilder()
                    .setDocument(
                        Document.newBuilder().setId(id).setText("Over gRPC. Two sentences."))
                    .build())
            .await()
            .atMost(Duration.ofSeconds(30));
    assertThat(response.getDocumentId()).isEqualTo(id);
    assertThat(response.getOffset()).isGreaterThanOrEqualTo(0);
    assertThat(chunksOf("default/default/" + id, 1)).hasSize(1);

    assertThatThrownBy(
            () ->
                grpc.ingest(
                        IngestRequest.newBuilder()
                            .setDocument(Document.newBuilder().setText("no id"))
                            .build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status status = StatusProto.fromThrowable(e);
              assertThat(status).isNotNull();
              BadRequest details;
              try {
                details = status.getDetails(0).unpack(BadRequest.class);
              } catch (Exception ex) {
                throw new AssertionError(ex);
              }
              assertThat(details.getFieldViolations(0).getField()).isEqualTo("document.id");
            });
  }

  @Test
  void sendsAPoisonRecordToTheDeadLetterTopicAndCarriesOn() throws Exception {
    String poisonKey = "default/default/poison-" + UUID.randomUUID();
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        poisonKey,
        "not protobuf at all {".getBytes(StandardCharsets.UTF_8));
    String id = "after-poison-" + UUID.randomUUID();
    given()
        .contentType("application/json")
        .body(Map.of("id", id, "text", "Still processed."))
        .post("/v1/documents")
        .then()
        .statusCode(202);

    List<ConsumerRecord<String, byte[]>> dead =
        TopicReader.await(
            bootstrap(),
            Topics.deadLetter(Topics.DOCUMENTS),
            r -> poisonKey.equals(r.key()),
            1,
            Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    String reason = TopicReader.deadLetterReason(dead.get(0));
    assertThat(reason).contains("not a protobuf rag.v1.DocumentEvent");
    assertThat(chunksOf("default/default/" + id, 1)).hasSize(1);
  }
}
