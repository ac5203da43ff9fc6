package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.common.auth.ApiKeys;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The MCP door through the official MCP Java SDK's client over Streamable HTTP, with authentication
 * on: the tools are listed with their schemas, answer with structured content, act for the key's
 * tenant only, and report broken limits as tool errors; a client without a key is refused before
 * any MCP message.
 */
@QuarkusTest
@TestProfile(McpServerTest.WithKeys.class)
class McpServerTest {

  static final String ALICE = ApiKeys.newKey();
  static final String BOB = ApiKeys.newKey();
  static final String CAROL = ApiKeys.newKey();

  /** Two tenants' keys (and one of lab-a that may also ingest), authentication on. */
  public static class WithKeys implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "rag.auth.enabled",
          "true",
          "rag.auth.keys",
          "alice "
              + ApiKeys.digest(ALICE)
              + " lab-a query;bob "
              + ApiKeys.digest(BOB)
              + " lab-b query;carol "
              + ApiKeys.digest(CAROL)
              + " lab-a ingest,query");
    }
  }

  @TestHTTPResource("/")
  URL url;

  @Inject InMemoryRetriever retriever;

  @Inject InMemoryDocumentStatuses statuses;

  private McpSyncClient client(String key) {
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(url.toString().replaceAll("/+$", ""))
            .endpoint("/mcp")
            .httpRequestCustomizer(
                (request, method, uri, body, context) -> {
                  if (key != null) {
                    request.header("Authorization", "Bearer " + key);
                  }
                })
            .build();
    return McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60))
        .clientInfo(new McpSchema.Implementation("rag-test", "1.0"))
        .build();
  }

  @Test
  void listsItsToolsAndSearchesAsksAndListsForTheKeysTenant() {
    try (McpSyncClient alice = client(ALICE)) {
      McpSchema.InitializeResult init = alice.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("rag");
      assertThat(init.capabilities().tools()).isNotNull();

      List<McpSchema.Tool> tools = alice.listTools().tools();
      assertThat(tools)
          .extracting(McpSchema.Tool::name)
          .contains("search", "ask", "list_sources", "get_document_status");
      McpSchema.Tool search =
          tools.stream().filter(t -> t.name().equals("search")).findFirst().orElseThrow();
      assertThat(search.inputSchema().toString())
          .contains("query", "top_k", "sources", "document_ids", "metadata");
      assertThat(search.outputSchema()).isNotNull();

      McpSchema.CallToolResult found =
          alice.callTool(
              new McpSchema.CallToolRequest(
                  "search", Map.of("query", "Where are Kafka records stored?", "top_k", 2)));
      assertThat(found.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(retriever.lastTenant()).isEqualTo("lab-a");
      assertThat(retriever.lastFilter()).isEqualTo(PassageRetriever.Filter.NONE);
      assertThat(retriever.lastQuery()).isEqualTo("Where are Kafka records stored?");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> passages =
          (List<Map<String, Object>>)
              ((Map<String, Object>) found.structuredContent()).get("passages");
      assertThat(passages).isNotEmpty();
      assertThat(passages.get(0))
          .containsEntry("label", "[1]")
          .containsEntry("documentId", "kafka-notes")
          .containsEntry("source", "docs")
          .containsKey("score");

      // Filters reach retrieval as given.
      alice.callTool(
          new McpSchema.CallToolRequest(
              "search",
              Map.of(
                  "query", "kafka",
                  "document_ids", List.of("kafka-notes"),
                  "metadata", Map.of("year", "2024"))));
      assertThat(retriever.lastFilter())
          .isEqualTo(new PassageRetriever.Filter(List.of("kafka-notes"), Map.of("year", "2024")));

      // Each passage names itself and its document as resources, which read back.
      assertThat(alice.listResourceTemplates().resourceTemplates())
          .extracting(McpSchema.ResourceTemplate::uriTemplate)
          .contains(
              "rag://documents/{source}/{document}", "rag://passages/{source}/{document}/{chunk}");
      assertThat(passages.get(0))
          .containsEntry("uri", "rag://passages/docs/kafka-notes/0")
          .containsEntry("documentUri", "rag://documents/docs/kafka-notes");
      McpSchema.ReadResourceResult document =
          alice.readResource(new McpSchema.ReadResourceRequest("rag://documents/docs/kafka-notes"));
      String markdown = ((McpSchema.TextResourceContents) document.contents().get(0)).text();
      assertThat(markdown)
          .startsWith("# Kafka notes")
          .contains("## Storage", "Kafka stores records in partitions.");
      McpSchema.ReadResourceResult passage =
          alice.readResource(
              new McpSchema.ReadResourceRequest("rag://passages/docs/kafka-notes/0"));
      assertThat(((McpSchema.TextResourceContents) passage.contents().get(0)).text())
          .startsWith("Kafka stores records in partitions.");
      assertThatThrownBy(
              () ->
                  alice.readResource(
                      new McpSchema.ReadResourceRequest("rag://documents/docs/no-such-document")))
          .hasMessageContaining("Resource not found");
      assertThatThrownBy(
              () ->
                  alice.readResource(
                      new McpSchema.ReadResourceRequest("rag://passages/docs/kafka-notes/7")))
          .hasMessageContaining("Resource not found");

      McpSchema.CallToolResult answered =
          alice.callTool(
              new McpSchema.CallToolRequest(
                  "ask", Map.of("question", "Where are Kafka records stored?")));
      assertThat(answered.isError()).isNotEqualTo(Boolean.TRUE);
      @SuppressWarnings("unchecked")
      Map<String, Object> answer = (Map<String, Object>) answered.structuredContent();
      assertThat((String) answer.get("answer")).contains("partitions [1]");
      assertThat(answer.get("sources").toString()).contains("kafka-notes", "cited=true");

      McpSchema.CallToolResult sources =
          alice.callTool(new McpSchema.CallToolRequest("list_sources", Map.of()));
      assertThat(sources.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(sources.structuredContent().toString()).contains("docs");
      assertThat(retriever.lastTenant()).isEqualTo("lab-a");
    }
    // Another tenant's key acts for that tenant only.
    try (McpSyncClient bob = client(BOB)) {
      bob.initialize();
      bob.callTool(new McpSchema.CallToolRequest("search", Map.of("query", "kafka")));
      assertThat(retriever.lastTenant()).isEqualTo("lab-b");
      bob.readResource(new McpSchema.ReadResourceRequest("rag://documents/docs/kafka-notes"));
      assertThat(retriever.lastTenant()).isEqualTo("lab-b");
    }
  }

  @Test
  void aKeyThatMayIngestFollowsItsOwnTenantsDocumentsAndAQueryKeyIsRefused() {
    try (McpSyncClient carol = client(CAROL)) {
      carol.initialize();
      McpSchema.Tool tool =
          carol.listTools().tools().stream()
              .filter(t -> t.name().equals("get_document_status"))
              .findFirst()
              .orElseThrow();
      assertThat(tool.inputSchema().toString()).contains("document_id", "source");
      McpSchema.CallToolResult indexed =
          carol.callTool(
              new McpSchema.CallToolRequest(
                  "get_document_status", Map.of("document_id", "kafka-notes", "source", "docs")));
      assertThat(indexed.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(statuses.lastTenant()).isEqualTo("lab-a");
      @SuppressWarnings("unchecked")
      Map<String, Object> status = (Map<String, Object>) indexed.structuredContent();
      assertThat(status)
          .containsEntry("state", "indexed")
          .containsEntry("chunks", 2)
          .containsEntry("title", "Kafka notes")
          .containsEntry("model", "bge-small-en-v1.5-int8")
          .containsEntry("updated", "2025-11-24T16:00:00Z")
          .containsEntry("documentUri", "rag://documents/docs/kafka-notes");
      McpSchema.CallToolResult unknown =
          carol.callTool(
              new McpSchema.CallToolRequest(
                  "get_document_status", Map.of("document_id", "kafka-notes")));
      assertThat(unknown.isError()).isNotEqualTo(Boolean.TRUE);
      assertThat(unknown.structuredContent().toString()).contains("state=unknown");
      McpSchema.CallToolResult outage =
          carol.callTool(
              new McpSchema.CallToolRequest(
                  "get_document_status", Map.of("document_id", "outage")));
      assertThat(outage.isError()).isTrue();
      assertThat(outage.content().toString()).contains("unavailable", "retry");
    }
    try (McpSyncClient alice = client(ALICE)) {
      alice.initialize();
      McpSchema.CallToolResult refused =
          alice.callTool(
              new McpSchema.CallToolRequest(
                  "get_document_status", Map.of("document_id", "kafka-notes", "source", "docs")));
      assertThat(refused.isError()).isTrue();
      assertThat(refused.content().toString()).contains("ingest role");
    }
  }

  @Test
  void aBrokenLimitOrAnOutageIsAToolErrorTheAgentCanRead() {
    try (McpSyncClient alice = client(ALICE)) {
      alice.initialize();
      McpSchema.CallToolResult tooMany =
          alice.callTool(
              new McpSchema.CallToolRequest("search", Map.of("query", "kafka", "top_k", 500)));
      assertThat(tooMany.isError()).isTrue();
      assertThat(tooMany.content().toString()).contains("top_k", "between 1 and 50");
      McpSchema.CallToolResult blank =
          alice.callTool(new McpSchema.CallToolRequest("ask", Map.of("question", " ")));
      assertThat(blank.isError()).isTrue();
      McpSchema.CallToolResult outage =
          alice.callTool(
              new McpSchema.CallToolRequest("search", Map.of("query", "is there an outage?")));
      assertThat(outage.isError()).isTrue();
      assertThat(outage.content().toString()).contains("unavailable");
    }
  }

  @Test
  void aClientWithoutAValidKeyIsRefused() {
    try (McpSyncClient stranger = client(null)) {
      assertThatThrownBy(stranger::initialize)
          .hasStackTraceContaining("McpHttpClientTransportAuthorizationException");
    }
    // As HTTP: 401 with a Bearer challenge, before any MCP message is read.
    for (String key : new String[] {null, "not-a-key"}) {
      var request =
          io.restassured.RestAssured.given()
              .contentType("application/json")
              .accept("application/json, text/event-stream")
              .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
      if (key != null) {
        request.header("Authorization", "Bearer " + key);
      }
      request.post("/mcp").then().statusCode(401);
    }
  }
}
