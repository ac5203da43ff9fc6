package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.retrieve.lexical.LexicalEncoder;
import dev.rag.retrieve.model.SparseVector;
import dev.rag.retrieve.model.TermCounts;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import dev.rag.testsupport.QdrantServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A collection written by the previous version of this service (Qdrant's IDF modifier, no term ids
 * in the payload), as an existing {@code ./rag up} data directory holds it, is migrated in place on
 * first use: nothing is re-embedded, and its tenants' statistics are their own.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
class LexicalStatisticsMigrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Inject QdrantPassageRepository repository;
  @Inject TermStatistics statistics;
  @Inject LexicalEncoder lexical;

  private static JsonNode qdrant(String method, String path, Object body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(QdrantServer.shared().httpUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private Map<String, Object> point(String tenant, String id, String text) {
    SparseVector v = lexical.encodePassage(text);
    List<Long> indices = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    for (int i = 0; i < v.indices().length; i++) {
      indices.add(Integer.toUnsignedLong(v.indices()[i]));
      values.add(v.values()[i]);
    }
    return Map.of(
        "id",
        PointIds.of(tenant, "notes", id, "v1", 0, "legacy-model-4").toString(),
        "vector",
        Map.of(
            "legacy-model-4",
            List.of(1, 0, 0, 0),
            "lexical",
            Map.of("indices", indices, "values", values)),
        "payload",
        Map.of(
            "tenant",
            tenant,
            "source",
            "notes",
            "document_id",
            id,
            "version",
            "v1",
            "chunk_index",
            0,
            "text",
            text));
  }

  @Test
  void aCollectionOfThePreviousFormatIsMigratedInPlaceOnFirstUse() throws Exception {
    String collection = "/collections/" + repository.collection("legacy-model-4");
    qdrant(
        "PUT",
        collection,
        Map.of(
            "vectors",
            Map.of("legacy-model-4", Map.of("size", 4, "distance", "Cosine")),
            "sparse_vectors",
            Map.of("lexical", Map.of("modifier", "idf"))));
    qdrant(
        "PUT",
        collection + "/index?wait=true",
        Map.of(
            "field_name", "tenant", "field_schema", Map.of("type", "keyword", "is_tenant", true)));
    String a = "legacy-a-" + UUID.randomUUID();
    String b = "legacy-b-" + UUID.randomUUID();
    qdrant(
        "PUT",
        collection + "/points?wait=true",
        Map.of(
            "points",
            List.of(
                point(a, "one", "Glaciers retreat in warm summers."),
                point(a, "two", "Warm oceans feed storms."),
                point(b, "three", "Glaciers glaciers glaciers."))));

    int[] terms = lexical.encodeQuery("glaciers warm").indices();
    TermCounts counts = statistics.count(a, "legacy-model-4", terms).get();

    // Tenant a's own passages only: two of them, one with each term... and both with "warm".
    assertThat(counts.passages()).isEqualTo(2);
    List<Long> df = new ArrayList<>();
    for (long f : counts.documentFrequencies()) {
      df.add(f);
    }
    assertThat(df).containsExactlyInAnyOrder(1L, 2L);
    JsonNode config = qdrant("GET", collection, null).path("result");
    assertThat(
            config
                .path("config")
                .path("params")
                .path("sparse_vectors")
                .path("lexical")
                .path("modifier")
                .asText())
        .isEqualTo("none");
    assertThat(config.path("payload_schema").has("terms")).isTrue();
    assertThat(
            qdrant(
                    "POST",
                    collection + "/points/count",
                    Map.of(
                        "exact",
                        true,
                        "filter",
                        Map.of("must", List.of(Map.of("is_empty", Map.of("key", "terms"))))))
                .path("result")
                .path("count")
                .asLong())
        .isZero();
  }
}
