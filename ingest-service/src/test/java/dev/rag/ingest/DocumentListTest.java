package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/documents}: a tenant's documents, page by page, with what a list shows of each;
 * never another tenant's; and the page's origin allowed across origins, no other.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@TestProfile(DocumentListTest.TwoTenants.class)
class DocumentListTest {

  static final String KEY = ApiKeys.newKey();
  static final String OTHER_KEY = ApiKeys.newKey();
  static final String PAGE = "http://page.example:8080";

  /** Two tenants of their own, a small scan bound, and the page's origin allowed. */
  public static class TwoTenants implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      String suffix = UUID.randomUUID().toString().substring(0, 8);
      return Map.of(
          "rag.auth.enabled",
          "true",
          "rag.auth.keys",
          "lister "
              + ApiKeys.digest(KEY)
              + " lists-"
              + suffix
              + " ingest;other "
              + ApiKeys.digest(OTHER_KEY)
              + " others-"
              + suffix
              + " ingest",
          "ingest.limits.max-list-scanned",
          "4",
          "quarkus.http.cors.origins",
          PAGE);
    }
  }

  private static void post(String key, String source, String id, String title, String type) {
    given()
        .header("Authorization", "Bearer " + key)
        .contentType("application/json")
        .body(
            Map.of(
                "id", id,
                "source", source,
                "title", title,
                "text", "Text of " + id + ". It has a sentence.",
                "contentType", type))
        .post("/v1/documents")
        .then()
        .statusCode(202);
  }

  private static JsonPath list(String key, Map<String, ?> query) {
    return given()
        .header("Authorization", "Bearer " + key)
        .queryParams(query)
        .get("/v1/documents")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** Every document of the listing, following next from page to page. */
  private static List<Map<String, Object>> all(String key, Map<String, Object> query) {
    List<Map<String, Object>> documents = new ArrayList<>();
    Map<String, Object> q = new java.util.HashMap<>(query);
    for (int pages = 0; pages < 20; pages++) {
      JsonPath page = list(key, q);
      documents.addAll(page.getList("documents"));
      String next = page.getString("next");
      if (next == null) {
        return documents;
      }
      q.put("after", next);
    }
    throw new AssertionError("more than 20 pages");
  }

  @Test
  void listsTheTenantsDocumentsPageByPageWithTheirTitlesFormatsAndStates() {
    post(KEY, "papers", "b", "Second paper", "text/markdown");
    post(KEY, "papers", "a", "First paper", "text/plain");
    post(KEY, "notes", "c", "A note", "text/html");
    post(KEY, "notes", "gone", "Deleted note", "text/plain");
    post(OTHER_KEY, "papers", "theirs", "Not yours", "text/plain");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(all(KEY, Map.of()))
                    .extracting(d -> d.get("state"))
                    .containsOnly("chunked")
                    .hasSize(4));
    given()
        .header("Authorization", "Bearer " + KEY)
        .queryParam("source", "notes")
        .delete("/v1/documents/gone")
        .then()
        .statusCode(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(all(KEY, Map.of("state", "deleting")))
                    .extracting(d -> d.get("id"))
                    .containsExactly("gone"));

    // Source, then id; what each is and when it last moved. (Retrieve-service, which would say
    // "deleted" once the points are gone, is not running here; a deleted one is left out.)
    List<Map<String, Object>> documents =
        all(KEY, Map.of()).stream().filter(d -> !"deleting".equals(d.get("state"))).toList();
    assertThat(documents)
        .extracting(d -> d.get("source") + "/" + d.get("id"))
        .containsExactly("notes/c", "papers/a", "papers/b");
    assertThat(documents)
        .extracting(d -> d.get("title") + " · " + d.get("format"))
        .containsExactly("A note · html", "First paper · text", "Second paper · markdown");
    assertThat(documents).allSatisfy(d -> assertThat(d.get("updated")).isNotNull());
    assertThat(documents).allSatisfy(d -> assertThat((Integer) d.get("chunks")).isPositive());

    // Two at a time: the next page starts after the last of this one.
    JsonPath first = list(KEY, Map.of("limit", 2));
    assertThat(first.getList("documents.id")).containsExactly("c", "gone");
    assertThat(first.getString("next")).isEqualTo("notes/gone");
    JsonPath second = list(KEY, Map.of("limit", 2, "after", "notes/gone"));
    assertThat(second.getList("documents.id")).containsExactly("a", "b");

    // One source; and a filter few pass ends pages early (4 statuses examined each) yet finds all.
    assertThat(all(KEY, Map.of("source", "papers")))
        .extracting(d -> d.get("id"))
        .containsExactly("a", "b");
    assertThat(all(KEY, Map.of("state", "deleted"))).isEmpty();
    JsonPath early = list(KEY, Map.of("state", "deleting"));
    assertThat(early.getList("documents.id")).containsExactly("gone");
    assertThat(early.getString("next")).isEqualTo("papers/b");
    assertThat(list(KEY, Map.of("state", "deleting", "after", "papers/b")).getList("documents"))
        .isEmpty();

    // The other tenant sees its own only.
    assertThat(all(OTHER_KEY, Map.of()))
        .extracting(d -> d.get("source") + "/" + d.get("id"))
        .containsExactly("papers/theirs");
  }

  @Test
  void refusesParametersOutOfBoundsWithTheFieldNamed() {
    for (var bad :
        List.of(
            Map.of("limit", "0", "field", "limit"),
            Map.of("limit", "1001", "field", "limit"),
            Map.of("state", "lost", "field", "state"),
            Map.of("after", "no-slash", "field", "after"),
            Map.of("source", "papers", "after", "notes/c", "field", "after"))) {
      Map<String, String> query = new java.util.HashMap<>(bad);
      String field = query.remove("field");
      given()
          .header("Authorization", "Bearer " + KEY)
          .queryParams(query)
          .get("/v1/documents")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("field", equalTo(field));
    }
  }

  @Test
  void thePagesOriginMayCallAcrossOriginsAndNoOtherMay() {
    // A browser asks first (preflight) before sending the key from another origin.
    given()
        .header("Origin", PAGE)
        .header("Access-Control-Request-Method", "DELETE")
        .header("Access-Control-Request-Headers", "authorization")
        .options("/v1/documents/x")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", PAGE)
        .header("Access-Control-Allow-Methods", containsString("DELETE"));
    given()
        .header("Origin", PAGE)
        .header("Authorization", "Bearer " + KEY)
        .get("/v1/documents")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", PAGE);
    given()
        .header("Origin", "http://elsewhere.example")
        .header("Authorization", "Bearer " + KEY)
        .get("/v1/documents")
        .then()
        .statusCode(403);
  }
}
