package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A tenant's documents and bytes are bounded; another tenant's room is its own. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@TestProfile(TenantQuotaTest.SmallQuotas.class)
class TenantQuotaTest {

  static final String FULL_KEY = ApiKeys.newKey();
  static final String OTHER_KEY = ApiKeys.newKey();
  static final String FULL_TENANT = "quota-" + UUID.randomUUID().toString().substring(0, 8);
  static final String OTHER_TENANT = "other-" + UUID.randomUUID().toString().substring(0, 8);

  /** Three documents and 2,000 bytes per tenant; two tenants with a key each. */
  public static class SmallQuotas implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "rag.auth.enabled", "true",
          "rag.auth.keys",
              "full "
                  + ApiKeys.digest(FULL_KEY)
                  + " "
                  + FULL_TENANT
                  + " ingest;other "
                  + ApiKeys.digest(OTHER_KEY)
                  + " "
                  + OTHER_TENANT
                  + " ingest",
          "ingest.quotas.max-documents", "3",
          "ingest.quotas.max-bytes", "2000");
    }
  }

  private static int post(String key, String id, String text) {
    return given()
        .header("Authorization", "Bearer " + key)
        .contentType("application/json")
        .body(Map.of("id", id, "source", "quota", "text", text))
        .post("/v1/documents")
        .then()
        .extract()
        .statusCode();
  }

  @Test
  void aTenantCannotStoreMoreDocumentsOrBytesThanItsQuotaAndOthersAreUnaffected() {
    for (int i = 1; i <= 3; i++) {
      assertThat(post(FULL_KEY, "doc-" + i, "Document " + i + ".")).isEqualTo(202);
    }
    given()
        .header("Authorization", "Bearer " + FULL_KEY)
        .contentType("application/json")
        .body(Map.of("id", "doc-4", "source", "quota", "text", "One too many."))
        .post("/v1/documents")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:rag:problem:quota-exceeded"))
        .body("detail", containsString("ingest.quotas.max-documents"));
    // A new version of a stored document needs no new room.
    assertThat(post(FULL_KEY, "doc-1", "Document 1, changed.")).isEqualTo(202);

    // The other tenant has its own room, bounded in bytes too.
    assertThat(post(OTHER_KEY, "a", "x".repeat(1500))).isEqualTo(202);
    given()
        .header("Authorization", "Bearer " + OTHER_KEY)
        .contentType("application/json")
        .body(Map.of("id", "b", "source", "quota", "text", "y".repeat(600)))
        .post("/v1/documents")
        .then()
        .statusCode(403)
        .body("detail", containsString("ingest.quotas.max-bytes"));
    // Uploads of files are counted alike: the refusal is the document's error in the receipt.
    given()
        .header("Authorization", "Bearer " + FULL_KEY)
        .contentType("text/plain")
        .queryParam("name", "extra.txt")
        .queryParam("source", "quota")
        .body("An extra file.")
        .post("/v1/files")
        .then()
        .statusCode(202)
        .body("documents.size()", equalTo(0))
        .body("errors[0].reason", containsString("ingest.quotas.max-documents"));
  }
}
