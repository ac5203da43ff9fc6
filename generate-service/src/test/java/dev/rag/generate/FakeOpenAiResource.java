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
        Map.entry("generate.llm.first-token-timeout", "2s"),
        Map.entry("generate.llm.idle-timeout", "1s"),
        Map.entry("dev.rag.generate.llm.LlmConnector/open/Retry/delay", "10"),
        Map.entry("dev.rag.generate.llm.LlmConnector/open/Retry/jitter", "0"),
        Map.entry("dev.rag.generate.llm.LlmConnector/open/CircuitBreaker/delay", "60000"));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
