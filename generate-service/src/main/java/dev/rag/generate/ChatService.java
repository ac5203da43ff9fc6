package dev.rag.generate;

import dev.rag.generate.config.GenerateConfig;
import dev.rag.generate.llm.AnswerModel;
import dev.rag.generate.llm.LlmMessage;
import dev.rag.generate.llm.LlmParams;
import dev.rag.generate.llm.LlmUnavailableException;
import dev.rag.generate.llm.TokenStream;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Answering a conversation's latest question from the tenant's documents. The tenant comes from the
 * door the request came through (resolved from the caller's identity there).
 */
@ApplicationScoped
public class ChatService {

  private static final Logger LOG = Logger.getLogger(ChatService.class);

  /** Put before an extractive answer given because the language model could not answer. */
  public static final String FALLBACK_NOTE =
      "(The language model is unavailable right now, so this answer quotes the sources"
          + " directly.)\n\n";

  private static final String REWRITE_RULES =
      """
      You rewrite the last question of a conversation as one stand-alone search query that \
      can be understood without the conversation: replace pronouns and references with what \
      they refer to in the earlier turns. Reply with the query alone, on one line.""";

  private final PassageRetriever retriever;
  private final GenerateConfig config;
  private final ExtractiveSynthesizer synthesizer;
  private final CitationChecker citations;
  private final AnswerModel llm;
  private final AnswerMetrics metrics;

  ChatService(
      PassageRetriever retriever,
      GenerateConfig config,
      CitationChecker citations,
      AnswerModel llm,
      AnswerMetrics metrics,
      SentenceScorer sentences) {
    this.retriever = retriever;
    this.metrics = metrics;
    this.config = config;
    this.citations = citations;
    this.llm = llm;
    this.synthesizer =
        new ExtractiveSynthesizer(
            config.extractive().maxSentences(),
            config.extractive().maxPerDocument(),
            config.extractive().minRelativeScore(),
            config.extractive().maxChars(),
            sentences,
            config.extractive().dense().candidates(),
            config.extractive().several().maxDocuments(),
            config.extractive().several().minRelativeScore(),
            config.extractive().distantMinCoverage());
  }

  /** The model name clients see. */
  public String modelName() {
    return llm.enabled() ? llm.model() : config.modelName();
  }

  /**
   * The passages a query retrieves, within the chat API's limits (query length, top_k, sources):
   * the search tool of the MCP door.
   *
   * @param topK passages wanted; 0 takes the default
   * @param filter documents and metadata the passages must match
   * @throws InvalidChatRequestException when the query is blank or too long, or a limit is broken
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  public List<RetrievedPassage> search(
      String tenant, String query, int topK, List<String> sources, PassageRetriever.Filter filter) {
    if (query == null || query.isBlank()) {
      throw new InvalidChatRequestException("query", "the query must not be blank");
    }
    if (query.length() > config.limits().maxMessageChars()) {
      throw new InvalidChatRequestException(
          "query", "query is longer than " + config.limits().maxMessageChars() + " characters");
    }
    int k = topK == 0 ? config.topK() : topK;
    if (k < 1 || k > config.limits().maxTopK()) {
      throw new InvalidChatRequestException(
          "top_k", "top_k must be between 1 and " + config.limits().maxTopK());
    }
    if (sources.size() > config.limits().maxSources()) {
      throw new InvalidChatRequestException(
          "sources", "at most " + config.limits().maxSources() + " sources");
    }
    int maxFilter = config.limits().maxFilterValues();
    if (filter.documentIds().size() > maxFilter) {
      throw new InvalidChatRequestException(
          "document_ids", "at most " + maxFilter + " document ids");
    }
    if (filter.metadata().size() > maxFilter) {
      throw new InvalidChatRequestException(
          "metadata", "at most " + maxFilter + " metadata entries");
    }
    return retriever.retrieve(tenant, query.strip(), k, sources, filter);
  }

  /**
   * The whole answer at once.
   *
   * @throws InvalidChatRequestException when the request breaks the contract
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  public Answer chat(String tenant, ChatRequest request) {
    try (Reply reply = reply(tenant, request)) {
      return reply.drain();
    }
  }

  /**
   * Starts answering: validates, retrieves, and (with a language model) waits until the model has
   * started to answer, falling back to the extractive answer when it cannot. Read the text from the
   * returned reply, then close it.
   *
   * @param tenant whose documents answer
   * @throws InvalidChatRequestException when the request breaks the contract
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  public Reply reply(String tenant, ChatRequest request) {
    String question = question(request);
    int topK = request.topK() == 0 ? config.topK() : request.topK();
    if (topK < 1 || topK > config.limits().maxTopK()) {
      throw new InvalidChatRequestException(
          "top_k", "top_k must be between 1 and " + config.limits().maxTopK());
    }
    if (request.sources().size() > config.limits().maxSources()) {
      throw new InvalidChatRequestException(
          "sources", "at most " + config.limits().maxSources() + " sources");
    }
    if (request.maxTokens() < 0 || request.maxTokens() > config.limits().maxTokens()) {
      throw new InvalidChatRequestException(
          "max_tokens", "max_tokens must be between 1 and " + config.limits().maxTokens());
    }
    if (request.temperature() != null && (request.temperature() < 0 || request.temperature() > 2)) {
      throw new InvalidChatRequestException("temperature", "temperature must be between 0 and 2");
    }
    String query = retrievalQuery(request.messages(), question);
    List<RetrievedPassage> passages = retriever.retrieve(tenant, query, topK, request.sources());
    ExtractiveSynthesizer.Question asked =
        query.equals(question)
            ? ExtractiveSynthesizer.Question.of(question)
            : new ExtractiveSynthesizer.Question(
                query, question, previousAnswer(request.messages()));
    if (!supported(passages)) {
      // Nothing found is close to the question in meaning: only a sentence holding a good share
      // of its content terms (distant-min-coverage) still answers it; else the answer says so, and
      // no model is handed unrelated text.
      Answer strict = synthesizer.answer(asked, passages, request.maxTokens(), true);
      if (strict.abstained()) {
        return Reply.of(config.modelName(), strict, request.stop(), citations);
      }
      if (!llm.enabled()) {
        // The same sentences the answerer would choose again: not composed (and embedded) twice.
        return Reply.of(config.modelName(), citations.check(strict), request.stop(), citations);
      }
    }
    if (llm.enabled()) {
      try {
        return llmReply(request, question, passages);
      } catch (LlmUnavailableException e) {
        metrics.fellBack();
        LOG.warnf("Answering extractively: %s", e.getMessage());
        Answer answer =
            citations.check(synthesizer.answer(asked, passages, request.maxTokens(), false));
        Answer noted =
            new Answer(
                FALLBACK_NOTE + answer.text(),
                answer.sources(),
                answer.finishReason(),
                answer.promptTokens(),
                answer.completionTokens());
        return Reply.of(config.modelName(), noted, request.stop(), citations);
      }
    }
    Answer answer =
        citations.check(synthesizer.answer(asked, passages, request.maxTokens(), false));
    return Reply.of(config.modelName(), answer, request.stop(), citations);
  }

  /** The last assistant message before the question, or empty. */
  private static String previousAnswer(List<ChatMessage> messages) {
    boolean question = false;
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage m = messages.get(i);
      if ("user".equals(m.role()) && m.content() != null && !m.content().isBlank()) {
        if (question) {
          return "";
        }
        question = true;
      } else if (question && "assistant".equals(m.role()) && m.content() != null) {
        return m.content();
      }
    }
    return "";
  }

  /**
   * Whether the best passage is similar enough to the question to support an answer, as its
   * embedding model's threshold ({@code generate.extractive.min-similarity}) says; yes when the
   * similarity or the threshold is not known.
   */
  boolean supported(List<RetrievedPassage> passages) {
    double best = Double.NEGATIVE_INFINITY;
    Double threshold = null;
    for (RetrievedPassage p : passages) {
      if (Double.isNaN(p.similarity())) {
        continue;
      }
      Double t = config.extractive().minSimilarity().get(p.model());
      if (t != null) {
        threshold = t;
        best = Math.max(best, p.similarity());
      }
    }
    return threshold == null || best >= threshold;
  }

  private Reply llmReply(ChatRequest request, String question, List<RetrievedPassage> passages) {
    List<LlmMessage> prompt =
        GroundedPrompt.build(request.messages(), question, passages, config.llm().maxSourceChars());
    int maxTokens = request.maxTokens() > 0 ? request.maxTokens() : config.llm().maxTokens();
    double temperature =
        request.temperature() != null ? request.temperature() : config.llm().temperature();
    TokenStream stream = llm.open(prompt, new LlmParams(maxTokens, temperature, request.stop()));
    List<SourceRef> sources = new ArrayList<>(passages.size());
    for (int i = 0; i < passages.size(); i++) {
      sources.add(new SourceRef(i + 1, passages.get(i), false));
    }
    int promptTokens = prompt.stream().mapToInt(m -> Tokens.count(m.text())).sum();
    Duration idle = llm.idleTimeout();
    Reply.Pieces pieces =
        new Reply.Pieces() {
          private boolean failed;

          @Override
          public String next() {
            if (failed) {
              return null;
            }
            try {
              return stream.next(idle);
            } catch (LlmUnavailableException e) {
              failed = true;
              metrics.interrupted();
              LOG.warnf("The model stopped answering: %s", e.getMessage());
              return "\n\n(The language model stopped answering before the end.)";
            }
          }

          @Override
          public String finishReason() {
            return failed ? "stop" : stream.finishReason();
          }

          @Override
          public int completionTokens() {
            return stream.completionTokens();
          }

          @Override
          public int promptTokens() {
            return stream.promptTokens();
          }

          @Override
          public void close() {
            stream.close();
          }
        };
    return new Reply(llm.model(), sources, promptTokens, pieces, request.stop(), citations);
  }

  /**
   * What to search for: the question itself, or for a follow-up that leans on the conversation a
   * stand-alone query, written by the model when one is configured, else by {@link FollowUps}.
   */
  private String retrievalQuery(List<ChatMessage> messages, String question) {
    String heuristic = FollowUps.standalone(messages);
    if (heuristic.isBlank()) {
      return question;
    }
    if (heuristic.equals(question) || !llm.enabled() || !config.llm().rewriteFollowUps()) {
      return heuristic;
    }
    try {
      String rewritten =
          llm.complete(
                  List.of(LlmMessage.system(REWRITE_RULES), LlmMessage.user(transcript(messages))),
                  new LlmParams(64, 0.0, List.of("\n")),
                  config.llm().rewriteTimeout())
              .strip();
      if (!rewritten.isEmpty() && rewritten.length() <= config.limits().maxMessageChars()) {
        return rewritten;
      }
    } catch (LlmUnavailableException e) {
      LOG.debugf("Follow-up rewrite failed, using the heuristic: %s", e.getMessage());
    }
    return heuristic;
  }

  /** The conversation's recent turns as plain text, ending with the question to rewrite. */
  private static String transcript(List<ChatMessage> messages) {
    List<String> turns = new ArrayList<>();
    for (ChatMessage m : messages) {
      if (m.content() == null || m.content().isBlank()) {
        continue;
      }
      String text = CitationChecker.strip(m.content().strip());
      if (text.length() > 600) {
        text = text.substring(0, 600) + " …";
      }
      if ("user".equals(m.role())) {
        turns.add("User: " + text);
      } else if ("assistant".equals(m.role())) {
        turns.add("Assistant: " + text);
      }
    }
    String last = turns.remove(turns.size() - 1).substring("User: ".length());
    List<String> recent = turns.subList(Math.max(0, turns.size() - 6), turns.size());
    return "Conversation:\n" + String.join("\n", recent) + "\n\nLast question: " + last;
  }

  private String question(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    if (messages == null || messages.isEmpty()) {
      throw new InvalidChatRequestException("messages", "at least one message is required");
    }
    if (messages.size() > config.limits().maxMessages()) {
      throw new InvalidChatRequestException(
          "messages", "at most " + config.limits().maxMessages() + " messages");
    }
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      if (m.role() == null
          || !List.of("system", "user", "assistant", "developer", "tool").contains(m.role())) {
        throw new InvalidChatRequestException(
            "messages[" + i + "].role", "role must be system, user or assistant");
      }
      if (m.content() != null && m.content().length() > config.limits().maxMessageChars()) {
        throw new InvalidChatRequestException(
            "messages[" + i + "].content",
            "message is longer than " + config.limits().maxMessageChars() + " characters");
      }
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage m = messages.get(i);
      if ("user".equals(m.role())) {
        if (m.content() == null || m.content().isBlank()) {
          throw new InvalidChatRequestException(
              "messages[" + i + "].content", "the question must not be blank");
        }
        return m.content().strip();
      }
    }
    throw new InvalidChatRequestException("messages", "no user message to answer");
  }
}
