package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.testsupport.NpmPackages;
import dev.rag.testsupport.QdrantServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The MCP door against the official conformance suite ({@code @modelcontextprotocol/conformance}
 * from npm), its server scenarios that test the protocol rather than the suite's own fixture tools,
 * resources and prompts (which only its reference server has): each must pass. Needs Node.js and
 * npm (fails, saying how to install them, when they are missing).
 */
@QuarkusTest
class McpConformanceTest {

  /** The newest release that runs on Node.js 20 (later ones need Node.js 22). */
  static final String CONFORMANCE_VERSION = "0.1.13";

  /** Scenarios of the protocol itself; the others call fixtures such as test_simple_text. */
  static final List<String> SCENARIOS =
      List.of(
          "server-initialize",
          "ping",
          "logging-set-level",
          "tools-list",
          "resources-list",
          "prompts-list",
          "server-sse-multiple-streams",
          "dns-rebinding-protection");

  @TestHTTPResource("/mcp")
  URL mcp;

  @Test
  void passesTheProtocolScenariosOfTheOfficialConformanceSuite() throws Exception {
    Path prefix = QdrantServer.cacheDir().resolve("mcp-conformance").resolve(CONFORMANCE_VERSION);
    Path cli = prefix.resolve("node_modules/@modelcontextprotocol/conformance/package.json");
    NpmPackages.install(
        prefix,
        "@modelcontextprotocol/conformance",
        CONFORMANCE_VERSION,
        cli,
        "The MCP conformance test needs Node.js and npm: apt-get install nodejs npm");
    Path bin = prefix.resolve("node_modules/.bin/conformance");
    for (String scenario : SCENARIOS) {
      Path output = Files.createTempFile("mcp-conformance", ".txt");
      try {
        Process node =
            new ProcessBuilder(
                    "node",
                    bin.toString(),
                    "server",
                    "--url",
                    mcp.toString(),
                    "--scenario",
                    scenario)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean finished = node.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
          node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String log = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(finished).withFailMessage("%s ran past 120 s:%n%s", scenario, log).isTrue();
        assertThat(log)
            .withFailMessage("%s did not pass:%n%s", scenario, log)
            .containsPattern("Passed: ([1-9][0-9]*)/\\1, 0 failed");
        assertThat(node.exitValue())
            .withFailMessage("%s exited with %d:%n%s", scenario, node.exitValue(), log)
            .isZero();
      } finally {
        Files.deleteIfExists(output);
      }
    }
  }
}
