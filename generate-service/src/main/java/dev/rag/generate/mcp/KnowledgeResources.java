package dev.rag.generate.mcp;

import dev.rag.auth.Callers;
import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievalUnavailableException;
import dev.rag.generate.RetrievedPassage;
import io.quarkiverse.mcp.server.JsonRpcErrorCodes;
import io.quarkiverse.mcp.server.McpException;
import io.quarkiverse.mcp.server.RequestUri;
import io.quarkiverse.mcp.server.ResourceTemplate;
import io.quarkiverse.mcp.server.TextResourceContents;
import java.util.List;

/**
 * The MCP door's resources: a whole document's passages ({@code rag://documents/{source}/{id}}) and
 * one passage ({@code rag://passages/{source}/{id}/{chunk}}), the URIs the search and ask tools
 * give. The caller's key decides the tenant: another tenant's document is not found.
 */
public class KnowledgeResources {

  private final PassageRetriever retriever;
  private final Callers callers;

  KnowledgeResources(PassageRetriever retriever, Callers callers) {
    this.retriever = retriever;
    this.callers = callers;
  }

  @ResourceTemplate(
      name = "document",
      description =
          "A document's passages in order, as Markdown: its title, then each chunk (the first"
              + " generate.limits.max-document-passages, 500 by default).",
      uriTemplate = PassageUris.DOCUMENT_TEMPLATE,
      mimeType = "text/markdown")
  TextResourceContents document(String source, String document, RequestUri uri) {
    List<RetrievedPassage> passages = read(source, document);
    StringBuilder text = new StringBuilder("# ").append(passages.get(0).title()).append("\n");
    for (RetrievedPassage p : passages) {
      text.append("\n");
      if (!p.section().isEmpty()) {
        text.append("## ").append(p.section()).append("\n\n");
      }
      text.append(p.text()).append("\n");
    }
    return new TextResourceContents(uri.value(), text.toString(), "text/markdown");
  }

  @ResourceTemplate(
      name = "passage",
      description = "One passage (chunk) of a document, as text.",
      uriTemplate = PassageUris.PASSAGE_TEMPLATE,
      mimeType = "text/plain")
  TextResourceContents passage(String source, String document, String chunk, RequestUri uri) {
    int index;
    try {
      index = Integer.parseInt(chunk);
    } catch (NumberFormatException e) {
      throw new McpException(
          "chunk must be a number, not '" + chunk + "'", JsonRpcErrorCodes.INVALID_PARAMS);
    }
    return read(source, document).stream()
        .filter(p -> p.chunkIndex() == index)
        .findFirst()
        .map(p -> new TextResourceContents(uri.value(), p.text(), "text/plain"))
        .orElseThrow(() -> notFound(uri.value()));
  }

  /** The document's passages; not found when there are none for this tenant. */
  private List<RetrievedPassage> read(String source, String document) {
    String s = PassageUris.decode(source);
    String d = PassageUris.decode(document);
    List<RetrievedPassage> passages;
    try {
      passages = retriever.document(callers.tenant(), s, d);
    } catch (RetrievalUnavailableException e) {
      throw new McpException(
          "document retrieval is unavailable right now; retry shortly",
          JsonRpcErrorCodes.INTERNAL_ERROR);
    }
    if (passages.isEmpty()) {
      throw notFound(PassageUris.document(s, d));
    }
    return passages;
  }

  private static McpException notFound(String uri) {
    return new McpException("Resource not found: " + uri, JsonRpcErrorCodes.RESOURCE_NOT_FOUND);
  }
}
