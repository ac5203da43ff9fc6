package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import org.hamcrest.Matcher;

/** Waits on a document's status over the service's HTTP API, as a client would. */
final class StatusWaits {

  private StatusWaits() {}

  /** Waits until the document's status is failed, with a reason the matcher accepts. */
  static void awaitFailed(String source, String id, Matcher<String> reason) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                given()
                    .queryParam("source", source)
                    .get("/v1/documents/" + id)
                    .then()
                    .body("state", equalTo("failed"))
                    .body("reason", reason));
  }
}
