package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import dev.rag.common.Topics;
import dev.rag.ingest.parse.TestFiles;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DeleteRequest;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.GetStatusRequest;
import dev.rag.proto.v1.Ingest;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Files in every format, the JSON contract of the documents topic, versions, deletes, status. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
class IngestContractTest {

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
  void uploadsAPdfWhoseChunksKnowTheirPages() {
    String name = "study-" + UUID.randomUUID() + ".pdf";
    byte[] pdf =
        TestFiles.pdf(
            "Grazing Study",
            List.of(
                List.of("Goats prefer shrubs over grass in dry seasons."),
                List.of("We counted bites per minute on twelve farms.")));
    given()
        .contentType("application/pdf")
        .body(pdf)
        .queryParam("name", name)
        .queryParam("source", "papers")
        .post("/v1/files")
        .then()
        .statusCode(202)
        .body("format", equalTo("pdf"))
        .body("documents", hasSize(1))
        .body("documents[0].id", equalTo(name))
        .body("documents[0].status", equalTo("accepted"));

    ChunksEvent event = chunksOf("default/papers/" + name, 1).get(0);
    assertThat(event.getHeader().getTitle()).isEqualTo("Grazing Study");
    assertThat(event.getHeader().getMetadataMap()).containsEntry("pages", "2");
    assertThat(event.getChunks(0).getText()).contains("Goats prefer", "twelve farms");
    assertThat(event.getChunks(0).getPageStart()).isEqualTo(1);
    assertThat(event.getChunks(0).getPageEnd()).isEqualTo(2);
  }

  @Test
  void uploadsTheSeedListingAsOneDocumentPerPaper() throws Exception {
    byte[] listing = Files.readAllBytes(TestFiles.seedListing());
    given()
        .contentType("application/octet-stream")
        .body(listing)
        .queryParam("name", "daily-papers-listing.txt")
        .queryParam("source", "listing-" + UUID.randomUUID())
        .post("/v1/files")
        .then()
        .statusCode(202)
        .body("format", equalTo("paper-listing"))
        .body("documents", hasSize(67))
        .body("errors", hasSize(0));
  }

  @Test
  void reportsAnUnreadableFileByNameAndBadLinesWithoutLosingTheRest() {
    given()
        .contentType("application/pdf")
        .body("%PDF-1.7 broken".getBytes(StandardCharsets.UTF_8))
        .queryParam("name", "broken.pdf")
        .post("/v1/files")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:rag:problem:unreadable-file"))
        .body("detail", startsWith("broken.pdf: not a readable PDF"));

    String source = "jsonl-" + UUID.randomUUID();
    given()
        .contentType("application/x-ndjson")
        .body(
            ("{\"_id\": \"ok-1\", \"text\": \"Fine.\"}\n{\"_id\": \"bad\"}\n"
                    + "{\"_id\": \"ok-2\", \"text\": \"Also fine.\"}\n")
                .getBytes(StandardCharsets.UTF_8))
        .queryParam("name", "corpus.jsonl")
        .queryParam("source", source)
        .post("/v1/files")
        .then()
        .statusCode(202)
        .body("documents.id", containsInAnyOrder("ok-1", "ok-2"))
        .body("errors[0].where", equalTo("line 2"));
    assertThat(chunksOf("default/" + source + "/ok-2", 1)).hasSize(1);
  }

  @Test
  void anUnchangedDocumentIsANoOpAndAChangedOneANewVersion() {
    String id = "v-" + UUID.randomUUID();
    Map<String, Object> v1 = Map.of("id", id, "text", "First version of the text.");
    String version =
        given()
            .contentType("application/json")
            .body(v1)
            .post("/v1/documents")
            .then()
            .statusCode(202)
            .body("status", equalTo("accepted"))
            .extract()
            .path("version");
    // Once the pipeline has read this version (chunked), sending it again is a no-op; before
    // that ("accepted" only) it is published again, since a crash may have lost it.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> given().get("/v1/documents/" + id).then().body("state", equalTo("chunked")));
    long before = TopicReader.endOffsetSum(bootstrap(), Topics.DOCUMENTS);
    given()
        .contentType("application/json")
        .body(v1)
        .post("/v1/documents")
        .then()
        .statusCode(202)
        .body("status", equalTo("unchanged"))
        .body("version", equalTo(version));
    assertThat(TopicReader.endOffsetSum(bootstrap(), Topics.DOCUMENTS)).isEqualTo(before);

    given()
        .contentType("application/json")
        .body(Map.of("id", id, "text", "Second version of the text."))
        .post("/v1/documents")
        .then()
        .statusCode(202)
        .body("status", equalTo("accepted"))
        .body("version", not(equalTo(version)));

    // The chunker reports its progress; the status follows the newest version.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .get("/v1/documents/" + id)
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("chunked"))
                    .body("chunks", equalTo(1))
                    .body("version", not(equalTo(version))));
    given().get("/v1/documents/nothing-" + id).then().statusCode(404);
  }

  @Test
  void acceptsJsonFromExternalProducersAndDeadLettersWhatItCannotRead() {
    String source = "ext-" + UUID.randomUUID();
    Map<String, String> json = Map.of(Topics.CONTENT_TYPE_HEADER, Topics.JSON);
    String goodKey = "default/" + source + "/good";
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        "default/" + source + "/broken",
        "{\"id\": ".getBytes(StandardCharsets.UTF_8),
        json);
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        "default/" + source + "/wrong-type",
        ChunksEvent.newBuilder().setPart(3).setTotalChunks(9).build().toByteArray(),
        Map.of(Topics.CONTENT_TYPE_HEADER, Topics.PROTOBUF));
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        goodKey,
        ("{\"id\": \"good\", \"source\": \""
                + source
                + "\", \"title\": \"External\","
                + " \"text\": \"<html><body><nav>Menu</nav><h1>Hello</h1><p>Body text.</p></body></html>\","
                + " \"contentType\": \"text/html\", \"metadata\": {\"year\": 2024}}")
            .getBytes(StandardCharsets.UTF_8),
        json);
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        "default/" + source + "/no-text",
        ("{\"id\": \"no-text\", \"source\": \"" + source + "\"}").getBytes(StandardCharsets.UTF_8),
        json);
    // Over the 8 MiB document limit yet within the topic's 16 MiB: its dead letter must fit too.
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        "default/" + source + "/oversized",
        ("{\"id\": \"oversized\", \"source\": \""
                + source
                + "\", \"text\": \""
                + "word ".repeat(2_000_000)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8),
        json);
    byte[] notUtf8 =
        ("{\"id\": \"bad-bytes\", \"text\": \"caf X\"}").getBytes(StandardCharsets.UTF_8);
    notUtf8[notUtf8.length - 5] = (byte) 0xC3;
    TopicWriter.send(
        bootstrap(), Topics.DOCUMENTS, "default/" + source + "/bad-bytes", notUtf8, json);
    String afterKey = "default/" + source + "/after";
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        afterKey,
        ("{\"id\": \"after\", \"source\": \"" + source + "\", \"text\": \"Still read.\"}")
            .getBytes(StandardCharsets.UTF_8),
        json);

    ChunksEvent good = chunksOf(goodKey, 1).get(0);
    assertThat(good.getHeader().getMetadataMap()).containsEntry("year", "2024");
    assertThat(good.getChunks(0).getText()).isEqualTo("Body text.");
    assertThat(good.getChunks(0).getSection()).isEqualTo("Hello");

    List<ConsumerRecord<String, byte[]>> dead =
        TopicReader.await(
            bootstrap(),
            Topics.deadLetter(Topics.DOCUMENTS),
            r -> r.key() != null && r.key().startsWith("default/" + source + "/"),
            5,
            Duration.ofSeconds(30));
    assertThat(dead)
        .extracting(
            r ->
                r.key().substring(r.key().lastIndexOf('/') + 1)
                    + ": "
                    + TopicReader.deadLetterReason(r))
        .satisfiesExactlyInAnyOrder(
            s -> assertThat(s).startsWith("broken: value is not JSON"),
            s -> assertThat(s).startsWith("wrong-type: event has no tenant or document id"),
            s -> assertThat(s).startsWith("no-text: text: text is required"),
            s -> assertThat(s).startsWith("oversized: text:"),
            s -> assertThat(s).startsWith("bad-bytes: value is not valid UTF-8"));
    // What came after the oversized record is still read.
    assertThat(chunksOf(afterKey, 1).get(0).getChunks(0).getText()).isEqualTo("Still read.");
    // The failure is visible in the document's status too.
    StatusWaits.awaitFailed(source, "no-text", containsString("text is required"));
  }

  @Test
  void deletesOverHttpAndGrpcWithATombstone() {
    String source = "del-" + UUID.randomUUID();
    for (String id : List.of("a", "b")) {
      given()
          .contentType("application/json")
          .body(Map.of("id", id, "source", source, "text", "To be deleted."))
          .post("/v1/documents")
          .then()
          .statusCode(202);
    }
    given().queryParam("source", source).delete("/v1/documents/a").then().statusCode(202);
    grpc.delete(DeleteRequest.newBuilder().setSource(source).setDocumentId("b").build())
        .await()
        .atMost(Duration.ofSeconds(30));

    for (String id : List.of("a", "b")) {
      String key = "default/" + source + "/" + id;
      List<ConsumerRecord<String, byte[]>> tombstones =
          TopicReader.await(
              bootstrap(),
              Topics.DOCUMENTS,
              r -> key.equals(r.key()) && r.value() == null,
              1,
              Duration.ofSeconds(30));
      assertThat(tombstones).hasSize(1);
      assertThat(chunksOf(key, 2).get(1).getDeleted()).isTrue();
    }
    assertThat(
            grpc.getStatus(
                    GetStatusRequest.newBuilder().setSource(source).setDocumentId("a").build())
                .await()
                .atMost(Duration.ofSeconds(30))
                .getState())
        .isEqualTo(DocumentState.DOCUMENT_STATE_DELETING);
    assertThatThrownBy(
            () ->
                grpc.getStatus(GetStatusRequest.newBuilder().setDocumentId("missing").build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void aFileWithNothingToIndexFailsWithAReasonInsteadOfWaitingForever() {
    String source = "empty-" + UUID.randomUUID();
    given()
        .contentType("text/markdown")
        .queryParam("name", "title-only.md")
        .queryParam("source", source)
        .body("# Only a title\n")
        .post("/v1/files")
        .then()
        .statusCode(202);
    StatusWaits.awaitFailed(
        source,
        "title-only.md",
        equalTo("nothing to index: the document has no text besides its title"));
  }

  @Test
  void aProtobufDocumentFromAnOutsideProducerIsHeldToTheSameLimits() {
    String source = "proto-" + UUID.randomUUID();
    dev.rag.proto.v1.Document.Builder document =
        dev.rag.proto.v1.Document.newBuilder()
            .setId("many-keys")
            .setSource(source)
            .setText("A short text with far too much metadata.");
    for (int i = 0; i < 1000; i++) {
      document.putMetadata("k" + i, "v");
    }
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        "default/" + source + "/many-keys",
        dev.rag.proto.v1.DocumentEvent.newBuilder()
            .setTenant("default")
            .setDocument(document)
            .setVersion("0123456789abcdef01234567")
            .build()
            .toByteArray(),
        Map.of(Topics.CONTENT_TYPE_HEADER, Topics.PROTOBUF));
    StatusWaits.awaitFailed(source, "many-keys", startsWith("metadata:"));
  }
}
