package dev.rag.generate.mcp;

import dev.rag.auth.Callers;
import dev.rag.generate.Answer;
import dev.rag.generate.ChatMessage;
import dev.rag.generate.ChatRequest;
import dev.rag.generate.ChatService;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievalUnavailableException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.SourceRef;
import io.quarkiverse.mcp.server.Tool;
import io.quarkiverse.mcp.server.ToolArg;
import io.quarkiverse.mcp.server.ToolCallException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The MCP door's tools, for agents and IDE assistants: search the caller's passages, ask for a
 * cited answer, list the sources. The caller's API key decides the tenant, as at every other door;
 * the chat API's limits apply. A request that breaks a limit, or a retrieval that cannot answer
 * now, is a tool error (the agent reads why and may try again), not a protocol error.
 */
public class KnowledgeTools {

  private final ChatService chat;
  private final PassageRetriever retriever;
  private final Callers callers;

  KnowledgeTools(ChatService chat, PassageRetriever retriever, Callers callers) {
    this.chat = chat;
    this.retriever = retriever;
    this.callers = callers;
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
   * cites none (nothing retrieved supports an answer, and the answer says so).
   */
  public record AskResult(String answer, List<Source> sources, boolean abstained) {}

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
    return new AskResult(answer.text(), refs, answer.abstained());
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
    }
  }
}
