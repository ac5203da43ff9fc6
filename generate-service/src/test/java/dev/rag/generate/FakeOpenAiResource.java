package dev.rag.generate;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts {@link FakeOpenAiServer} and points generate-service's OpenAI-compatible provider at it.
 */
public class FakeOpenAiResource implements QuarkusTestResourceLifecycleManager {

  private FakeOpenAiServer server;

  @Override
  public Map<String, String> start() {
    server = FakeOpenAiServer.start();
    return Map.ofEntries(
        Map.entry("generate.llm.provider", "openai"),
        Map.entry("generate.llm.base-url", server.baseUrl() + "/v1"),
        Map.entry("generate.llm.model", "fake-llm"),
        // Far from what they guard against either way: the fake answers at once (a slow first
        // request must not be retried, which the tests count), writes a stream's pieces back to
        // back, and a stalled stream stays silent until the test releases it.
        Map.entry("generate.llm.first-token-timeout", "60s"),
        Map.entry("generate.llm.idle-timeout", "5s"),
        Map.entry("dev.rag.generate.llm.LlmConnector/open/Retry/delay", "10"),
        Map.entry("dev.rag.generate.llm.LlmConnector/open/Retry/jitter", "0"),
        // Once open, the breaker stays open for the rest of the class.
        Map.entry("dev.rag.generate.llm.LlmConnector/open/CircuitBreaker/delay", "600000"));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
