package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.NpmPackages;
import dev.rag.testsupport.QdrantServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

  /** Bundles Chromium 156, the version Debian 12 ships, so its protocol matches the browser's. */
  static final String PLAYWRIGHT_CORE_VERSION = "1.64.1";

  private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(300);
  private static final List<String> SCREENSHOTS =
      List.of("start", "citation", "sources", "dark", "conversation", "new-conversation");

  @TestHTTPResource("/")
  URL url;

  @Test
  void personAsksReadsACitationChoosesSourcesSeesErrorsAndStartsOver() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      fail(
          "The chat page test needs Chromium at "
              + chromium
              + ": apt-get install chromium (or set CHROMIUM to a Chromium binary)");
    }
    Path prefix =
        QdrantServer.cacheDir().resolve("playwright-core").resolve(PLAYWRIGHT_CORE_VERSION);
    NpmPackages.install(
        prefix,
        "playwright-core",
        PLAYWRIGHT_CORE_VERSION,
        prefix.resolve("node_modules/playwright-core/package.json"),
        "The chat page test needs Node.js and npm: apt-get install nodejs npm");

    Path screenshots = Path.of("target", "page-test").toAbsolutePath();
    deleteTree(screenshots);
    Path tmp = Files.createTempDirectory("chat-page-test");
    Path output = tmp.resolve("output.txt");
    ProcessBuilder builder =
        new ProcessBuilder(
                "node",
                script().toString(),
                url.toString(),
                screenshots.toString(),
                chromium.toString(),
                prefix.toString(),
                KEY)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    // Chromium's profile (a fresh --user-data-dir from Playwright) and its crash reports go under
    // this directory, not the user's home, and its processes can be told from any other Chromium.
    builder.environment().put("TMPDIR", tmp.toString());
    builder.environment().put("XDG_CONFIG_HOME", tmp.toString());
    try {
      Process node;
      try {
        node = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "The chat page test needs Node.js: apt-get install nodejs npm", e);
      }
      boolean finished = node.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      List<ProcessHandle> leftovers = browserProcessesUnder(tmp);
      leftovers.forEach(ProcessHandle::destroyForcibly);
      String log = Files.readString(output, StandardCharsets.UTF_8);
      assertThat(finished)
          .withFailMessage("chat-page.mjs ran past %s:%n%s", SCRIPT_LIMIT, log)
          .isTrue();
      assertThat(node.exitValue())
          .withFailMessage("chat-page.mjs failed (exit %d):%n%s", node.exitValue(), log)
          .isZero();
      assertThat(leftovers)
          .withFailMessage("Chromium was still running after the script:%n%s", log)
          .isEmpty();
      for (String viewport : List.of("phone", "desktop")) {
        for (String name : SCREENSHOTS) {
          assertThat(screenshots.resolve(viewport + "-" + name + ".png"))
              .withFailMessage("no %s-%s.png screenshot:%n%s", viewport, name, log)
              .isNotEmptyFile();
        }
      }
    } finally {
      deleteTree(tmp);
    }
  }

  private static Path script() throws URISyntaxException {
    URL script = ChatPageBrowserTest.class.getResource("/page-test/chat-page.mjs");
    assertThat(script).as("page-test/chat-page.mjs on the test classpath").isNotNull();
    return Path.of(script.toURI());
  }

  /** Chromium processes whose profile lies under {@code dir}, after giving them time to exit. */
  private static List<ProcessHandle> browserProcessesUnder(Path dir) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<ProcessHandle> found;
    do {
      found =
          ProcessHandle.allProcesses()
              .filter(ProcessHandle::isAlive)
              .filter(
                  p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
              .toList();
      if (found.isEmpty()) {
        return found;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return found;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
