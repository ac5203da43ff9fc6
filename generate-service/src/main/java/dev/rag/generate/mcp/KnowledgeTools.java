package dev.rag.generate.mcp;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ChatService;
import dev.rag.generate.ClaimSupport;
import dev.rag.generate.DocumentStatuses;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievalUnavailableException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.SourceRef;
import dev.rag.generate.StatusUnavailableException;
import io.quarkiverse.mcp.server.Tool;
import io.quarkiverse.mcp.server.ToolArg;
import io.quarkiverse.mcp.server.ToolCallException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The MCP door's tools, for agents and IDE assistants: search the caller's passages, ask for a
 * cited answer, list the sources, follow a document through the pipeline (ingest-service's status,
 * for keys that may ingest). The caller's API key decides the tenant, as at every other door; the
 * chat API's limits apply. A request that breaks a limit, or a retrieval that cannot answer now, is
 * a tool error (the agent reads why and may try again), not a protocol error.
 */
public class KnowledgeTools {

  private final ChatService chat;
  private final PassageRetriever retriever;
  private final Callers callers;
  private final DocumentStatuses statuses;

  KnowledgeTools(
      ChatService chat, PassageRetriever retriever, Callers callers, DocumentStatuses statuses) {
    this.chat = chat;
    this.retriever = retriever;
    this.callers = callers;
    this.statuses = statuses;
  }

  /** Passages found for a query, best first, each with its citation label and resource. */
  public record SearchResult(List<Passage> passages) {}

  /**
   * One passage.
   *
   * @param label how an answer cites it: {@code [n]}, its rank
   * @param uri the passage as an MCP resource; its document is {@code documentUri}
   * @param pageStart first page in a paged document, else 0
   */
  public record Passage(
      String label,
      String source,
      String documentId,
      String title,
      String section,
      int chunk,
      String text,
      double score,
      int pageStart,
      int pageEnd,
      String uri,
      String documentUri) {}

  /**
   * A cited answer and every source it was written from, cited or not; {@code abstained} when it
   * cites none (nothing retrieved supports an answer, and the answer says so); {@code
   * unsupportedClaims}: its cited sentences that the sources they cite do not support.
   */
  public record AskResult(
      String answer,
      List<Source> sources,
      boolean abstained,
      List<ClaimSupport.Unsupported> unsupportedClaims) {}

  /** A source of an answer: {@code [number]} in the answer's text when cited. */
  public record Source(
      int number,
      boolean cited,
      String source,
      String documentId,
      String title,
      int chunk,
      String text,
      String uri) {}

  /** The caller's sources, by name. */
  public record SourcesResult(List<SourceInfo> sources) {}

  /** A source and the indexed documents and passages it holds. */
  public record SourceInfo(String name, long documents, long passages) {}

  /**
   * Where a document is: {@code state} is {@code unknown} when ingest-service knows no such
   * document, else one of {@code accepted}, {@code chunked}, {@code embedded}, {@code indexed}
   * (searchable), {@code failed} (with its {@code reason}), {@code deleting}, {@code deleted}.
   *
   * @param updated when the state last changed (ISO-8601), null when not known
   */
  public record DocumentStatusResult(
      String documentId,
      String source,
      String state,
      String version,
      int chunks,
      String reason,
      String model,
      String title,
      String format,
      int pages,
      String updated,
      String documentUri) {}

  @Tool(
      name = "search",
      description =
          "Search the indexed documents (research papers, notes) for passages relevant to a query."
              + " Returns the best passages first, each with its source, document, chunk, score and"
              + " a citation label.",
      structuredContent = true)
  SearchResult search(
      @ToolArg(description = "what to look for, in natural language") String query,
      @ToolArg(
              description = "only these sources (see list_sources); all when empty",
              required = false)
          List<String> sources,
      @ToolArg(name = "top_k", description = "how many passages (1 to 50)", defaultValue = "8")
          int topK,
      @ToolArg(
              name = "document_ids",
              description = "only passages of these documents; any when empty",
              required = false)
          List<String> documentIds,
      @ToolArg(
              description =
                  "only passages whose document metadata has every one of these entries, e.g."
                      + " {\"year\": \"2024\"}",
              required = false)
          Map<String, String> metadata) {
    PassageRetriever.Filter filter =
        new PassageRetriever.Filter(
            orEmpty(documentIds), metadata == null ? Map.of() : Map.copyOf(metadata));
    List<RetrievedPassage> found =
        call(() -> chat.search(callers.tenant(), query, topK, orEmpty(sources), filter));
    List<Passage> passages = new ArrayList<>(found.size());
    for (int i = 0; i < found.size(); i++) {
      RetrievedPassage p = found.get(i);
      passages.add(
          new Passage(
              "[" + (i + 1) + "]",
              p.source(),
              p.documentId(),
              p.title(),
              p.section(),
              p.chunkIndex(),
              p.text(),
              p.score(),
              p.pageStart(),
              p.pageEnd(),
              PassageUris.passage(p.source(), p.documentId(), p.chunkIndex()),
              PassageUris.document(p.source(), p.documentId())));
    }
    return new SearchResult(passages);
  }

  @Tool(
      name = "ask",
      description =
          "Answer a question from the indexed documents. The answer cites its sources as [n];"
              + " every source is returned with whether the answer cites it.",
      structuredContent = true)
  AskResult ask(
      @ToolArg(description = "the question") String question,
      @ToolArg(
              description = "only these sources (see list_sources); all when empty",
              required = false)
          List<String> sources) {
    Answer answer =
        call(
            () ->
                chat.chat(
                    callers.tenant(),
                    new ChatRequest(
                        List.of(new ChatMessage("user", question == null ? "" : question)),
                        0,
                        orEmpty(sources),
                        0)));
    List<Source> refs = new ArrayList<>(answer.sources().size());
    for (SourceRef ref : answer.sources()) {
      RetrievedPassage p = ref.passage();
      refs.add(
          new Source(
              ref.number(),
              ref.cited(),
              p.source(),
              p.documentId(),
              p.title(),
              p.chunkIndex(),
              p.text(),
              PassageUris.passage(p.source(), p.documentId(), p.chunkIndex())));
    }
    return new AskResult(answer.text(), refs, answer.abstained(), answer.unsupported());
  }

  @Tool(
      name = "list_sources",
      description =
          "List the sources (collections of documents) this key can search, with how many"
              + " documents and passages each holds.",
      structuredContent = true)
  SourcesResult listSources() {
    return new SourcesResult(
        call(() -> retriever.sources(callers.tenant())).stream()
            .sorted(Comparator.comparing(PassageRetriever.SourceSummary::name))
            .map(s -> new SourceInfo(s.name(), s.documents(), s.passages()))
            .toList());
  }

  @Tool(
      name = "get_document_status",
      description =
          "Say where a document is in the pipeline: accepted, chunked, embedded, indexed"
              + " (searchable), failed (with the reason), deleting, deleted, or unknown. Needs a"
              + " key that may ingest documents.",
      structuredContent = true)
  DocumentStatusResult getDocumentStatus(
      @ToolArg(name = "document_id", description = "the document's id, as it was uploaded")
          String documentId,
      @ToolArg(
              description = "the source it was filed under; the default source when empty",
              required = false)
          String source) {
    if (documentId == null || documentId.isBlank()) {
      throw new ToolCallException("document_id: the document's id is required");
    }
    if (!callers.hasRole(Roles.INGEST)) {
      throw new ToolCallException(
          "this key may not read document statuses: that needs a key with the ingest role");
    }
    String tenant = callers.tenant();
    return call(() -> statuses.status(tenant, source, documentId))
        .map(
            s ->
                new DocumentStatusResult(
                    s.documentId(),
                    s.source(),
                    s.state(),
                    s.version(),
                    s.chunks(),
                    emptyToNull(s.reason()),
                    emptyToNull(s.model()),
                    emptyToNull(s.title()),
                    emptyToNull(s.format()),
                    s.pages(),
                    s.updatedAtMs() == 0 ? null : Instant.ofEpochMilli(s.updatedAtMs()).toString(),
                    PassageUris.document(s.source(), s.documentId())))
        .orElseGet(
            () ->
                new DocumentStatusResult(
                    documentId,
                    source == null ? "" : source,
                    "unknown",
                    null,
                    0,
                    null,
                    null,
                    null,
                    null,
                    0,
                    null,
                    null));
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static List<String> orEmpty(List<String> sources) {
    return sources == null ? List.of() : sources;
  }

  /** Runs a call, turning what the caller can act on into a tool error it reads. */
  private static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (InvalidChatRequestException e) {
      throw new ToolCallException(e.field() + ": " + e.getMessage());
    } catch (RetrievalUnavailableException e) {
      throw new ToolCallException("document retrieval is unavailable right now; retry shortly");
    } catch (StatusUnavailableException e) {
      throw new ToolCallException(
          "document statuses are unavailable right now (" + e.getMessage() + "); retry shortly");
    }
  }
}
