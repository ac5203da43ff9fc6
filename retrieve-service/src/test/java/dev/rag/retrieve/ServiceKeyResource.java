package dev.rag.retrieve;

import dev.rag.common.auth.ApiKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Turns authentication on with one fresh service key (roles service and query) that this
 * application's gRPC clients present, the test's own included: tests then call Retrieve as
 * generate-service does, naming the tenant they act for.
 */
public class ServiceKeyResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    String key = ApiKeys.newKey();
    return Map.of(
        "rag.auth.enabled",
        "true",
        "rag.auth.keys",
        "test-services " + ApiKeys.digest(key) + " default service,query",
        "rag.auth.service-key",
        key);
  }

  @Override
  public void stop() {}
}
