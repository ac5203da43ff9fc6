package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import dev.rag.testsupport.QdrantServer;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Qdrant refusing writes for a while (here: its rate limit) delays indexing; it never sends the
 * event to the dead-letter topic.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
class TransientFailureTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String MODEL = "throttled-model-8";

  @Inject QdrantPassageRepository repository;

  @TestHTTPResource("/q/health/well")
  URL wellness;

  private static EmbeddingsEvent event(String tenant, String id, String text) {
    EmbeddedChunk.Builder chunk =
        EmbeddedChunk.newBuilder().setChunk(Chunk.newBuilder().setIndex(0).setText(text));
    for (int i = 0; i < 8; i++) {
      chunk.addVector(i == Math.floorMod(id.hashCode(), 8) ? 1f : 0f);
    }
    return EmbeddingsEvent.newBuilder()
        .setHeader(
            DocumentHeader.newBuilder()
                .setTenant(tenant)
                .setSource("notes")
                .setDocumentId(id)
                .setVersion("v1"))
        .setModelId(MODEL)
        .setDimension(8)
        .setPartCount(1)
        .addChunks(chunk)
        .build();
  }

  private static void publish(EmbeddingsEvent event) {
    DocumentHeader h = event.getHeader();
    TopicWriter.send(
        KafkaBroker.shared().bootstrapServers(),
        Topics.EMBEDDINGS,
        Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
        event.toByteArray());
  }

  private static HttpResponse<String> qdrant(String method, String path, String json)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(QdrantServer.shared().httpUrl() + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String wellness() throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(wellness.toURI()).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static boolean deadLettered(String key) {
    return !TopicReader.readToEnd(
            KafkaBroker.shared().bootstrapServers(),
            Topics.deadLetter(Topics.EMBEDDINGS),
            r -> key.equals(r.key()))
        .isEmpty();
  }

  @Test
  void aWriteQdrantRefusesForNowIsRetriedUntilItIsIndexed() throws Exception {
    String tenant = "throttled-" + UUID.randomUUID();
    publish(event(tenant, "warm", "makes the collection"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> repository.countPoints(MODEL, tenant, "notes", "warm") == 1);
    String collection = "/collections/" + repository.collection(MODEL);

    // One write a minute, and this test spends it: Qdrant answers the next writes with
    // RESOURCE_EXHAUSTED ("Rate limiting exceeded") until the limit is lifted.
    assertThat(
            qdrant(
                    "PATCH",
                    collection,
                    "{\"strict_mode_config\":{\"enabled\":true,\"write_rate_limit\":1}}")
                .statusCode())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                qdrant(
                            "PUT",
                            collection + "/points?wait=true",
                            "{\"points\":[{\"id\":\""
                                + UUID.randomUUID()
                                + "\",\"vector\":{},\"payload\":{}}]}")
                        .statusCode()
                    == 429);

    String key = Topics.documentKey(tenant, "notes", "throttled");
    try {
      publish(event(tenant, "throttled", "written once Qdrant takes writes again"));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> deadLettered(key) || wellness().contains(key));
      assertThat(deadLettered(key)).as("dead-lettered while Qdrant only refused for now").isFalse();
      assertThat(wellness())
          .containsPattern("\"status\"\\s*:\\s*\"DOWN\"")
          .contains("Rate limiting");
    } finally {
      assertThat(
              qdrant("PATCH", collection, "{\"strict_mode_config\":{\"enabled\":false}}")
                  .statusCode())
          .isEqualTo(200);
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> repository.countPoints(MODEL, tenant, "notes", "throttled") == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> !wellness().contains(key));
    assertThat(deadLettered(key)).isFalse();
  }
}
