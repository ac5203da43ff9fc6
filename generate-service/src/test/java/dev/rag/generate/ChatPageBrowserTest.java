package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.BrowserScript;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat page at {@code /} in a real browser: Debian's Chromium, headless, driven by
 * playwright-core from {@code page-test/chat-page.mjs}, against this service with {@link
 * InMemoryRetriever}'s passages, with authentication on: the page asks for a key, keeps it per tab,
 * and must work under the Content-Security-Policy it is served with. Needs Chromium, Node.js and
 * npm; fails, saying how to install them, when they are missing. Screenshots land in {@code
 * target/page-test/}.
 */
@QuarkusTest
@TestProfile(ChatPageBrowserTest.WithAKey.class)
class ChatPageBrowserTest {

  static final String KEY = ApiKeys.newKey();

  /** Authentication on, as in production: the page must ask for a key and keep it. */
  public static class WithAKey implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "rag.auth.enabled",
          "true",
          "rag.auth.keys",
          "page-user " + ApiKeys.digest(KEY) + " default query");
    }
  }

  private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(300);
  private static final List<String> SCREENSHOTS =
      List.of(
          "start",
          "citation",
          "sources",
          "dark",
          "conversation",
          "new-conversation",
          "several",
          "abstained");

  @TestHTTPResource("/")
  URL url;

  @Test
  void personAsksReadsACitationChoosesSourcesSeesErrorsAndStartsOver() throws Exception {
    Path chromium = BrowserScript.chromium();
    Path prefix = BrowserScript.playwright();
    Path screenshots = Path.of("target", "page-test").toAbsolutePath();
    BrowserScript.deleteTree(screenshots);
    String log =
        BrowserScript.run(
            script(),
            SCRIPT_LIMIT,
            url.toString(),
            screenshots.toString(),
            chromium.toString(),
            prefix.toString(),
            KEY);
    for (String viewport : List.of("phone", "desktop")) {
      for (String name : SCREENSHOTS) {
        assertThat(screenshots.resolve(viewport + "-" + name + ".png"))
            .withFailMessage("no %s-%s.png screenshot:%n%s", viewport, name, log)
            .isNotEmptyFile();
      }
    }
  }

  private static Path script() throws URISyntaxException {
    URL script = ChatPageBrowserTest.class.getResource("/page-test/chat-page.mjs");
    assertThat(script).as("page-test/chat-page.mjs on the test classpath").isNotNull();
    return Path.of(script.toURI());
  }
}
