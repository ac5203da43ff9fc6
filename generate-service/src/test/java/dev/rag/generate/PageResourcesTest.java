package dev.rag.generate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the page reads before it has a key: where ingest-service answers (allowed by the page's
 * Content-Security-Policy too), and the reports of this installation, served from their folder and
 * nothing else from anywhere.
 */
@QuarkusTest
@TestProfile(PageResourcesTest.Configured.class)
class PageResourcesTest {

  static final Path REPORTS = reports();

  private static Path reports() {
    try {
      Path dir = Files.createTempDirectory("page-reports");
      Files.createDirectories(dir.resolve("eval"));
      Files.createDirectories(dir.resolve("bench"));
      Files.writeString(dir.resolve("eval/scifact-test.html"), "<!doctype html><title>r</title>");
      Files.writeString(dir.resolve("eval/scifact-test.json"), "{}");
      Files.writeString(dir.resolve("eval/report.js"), "'use strict';");
      Files.writeString(dir.resolve("bench/chat-scifact-test.html"), "<!doctype html>");
      Files.writeString(dir.resolve("bench/notes.txt"), "not a report");
      Files.writeString(dir.resolve("secret.html"), "outside the report folders");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ingest-service elsewhere, and a reports folder. */
  public static class Configured implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "generate.page.ingest-url",
          "http://127.0.0.1:18081/",
          "generate.page.reports-dir",
          REPORTS.toString());
    }
  }

  @Test
  void tellsThePageWhereIngestServiceIsAndAllowsItToCallThere() {
    given()
        .get("/page/config")
        .then()
        .statusCode(200)
        .body("ingest", equalTo("http://127.0.0.1:18081"));
    given()
        .get("/")
        .then()
        .statusCode(200)
        .header(
            "Content-Security-Policy",
            containsString("connect-src 'self' http://127.0.0.1:18081/;"));
  }

  @Test
  void listsAndServesTheReportsAndNothingElse() {
    given()
        .get("/page/reports")
        .then()
        .statusCode(200)
        .body("reports", hasSize(2))
        .body(
            "reports.path",
            org.hamcrest.Matchers.hasItems(
                "eval/scifact-test.html", "bench/chat-scifact-test.html"));
    given()
        .get("/page/reports/eval/scifact-test.html")
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .header("Content-Security-Policy", containsString("script-src 'self'"));
    given()
        .get("/page/reports/eval/report.js")
        .then()
        .statusCode(200)
        .contentType(containsString("javascript"));
    given().get("/page/reports/eval/scifact-test.json").then().statusCode(200);
    for (String path :
        new String[] {
          "/page/reports/bench/notes.txt",
          "/page/reports/eval/missing.html",
          "/page/reports/other/secret.html",
          "/page/reports/eval/..%2Fsecret.html",
          "/page/reports/eval/.hidden.html"
        }) {
      given().urlEncodingEnabled(false).get(path).then().statusCode(404);
    }
  }
}
