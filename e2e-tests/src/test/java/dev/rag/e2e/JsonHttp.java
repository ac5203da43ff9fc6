package dev.rag.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON over HTTP for the end-to-end tests: the services' APIs and Qdrant's REST API. */
final class JsonHttp {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private JsonHttp() {}

  /**
   * Sends {@code body} as JSON (none when null), with {@code key} as the bearer token unless null.
   */
  static HttpResponse<String> send(String key, String method, String url, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The documents a chat completion's sources mark as cited. */
  static List<String> cited(JsonNode completion) {
    List<String> cited = new ArrayList<>();
    for (JsonNode source : completion.path("sources")) {
      if (source.path("cited").asBoolean()) {
        cited.add(source.path("document_id").asText());
      }
    }
    return cited;
  }

  /**
   * The exact number of points of a Qdrant collection that pass {@code filter}, or -1 when Qdrant
   * cannot say (down, or the collection not made yet).
   */
  static long countPoints(String qdrantUrl, String collection, Map<String, Object> filter)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        send(
            null,
            "POST",
            qdrantUrl + "/collections/" + collection + "/points/count",
            Map.of("filter", filter, "exact", true));
    if (response.statusCode() != 200) {
      return -1;
    }
    return JSON.readTree(response.body()).path("result").path("count").asLong();
  }
}
