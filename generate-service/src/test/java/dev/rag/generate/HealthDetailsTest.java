package dev.rag.generate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.Set;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

/** Health endpoints as production serves them: which checks are up or down, never why. */
@QuarkusTest
@TestProfile(HealthDetailsTest.AsInProduction.class)
class HealthDetailsTest {

  /** Details hidden, as in the prod profile, and two broken checks. */
  public static class AsInProduction implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("rag.health.details", "false");
    }

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(BrokenDependencyCheck.class, BrokenDependencyCheck.Throwing.class);
    }
  }

  @Test
  void healthSaysWhatIsDownButNotWhy() {
    for (String path : new String[] {"/q/health", "/q/health/ready"}) {
      given()
          .get(path)
          .then()
          .statusCode(503)
          .body("status", Matchers.equalTo("DOWN"))
          .body("checks.name", hasItems("broken-dependency"))
          .body("checks.size()", Matchers.greaterThanOrEqualTo(2))
          .body(not(containsString("db-7.internal")))
          .body(not(containsString("IllegalStateException")))
          .body(not(containsString("\"data\"")));
    }
    given().get("/q/health/live").then().statusCode(200).body(not(containsString("\"data\"")));
  }
}
