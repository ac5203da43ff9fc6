package dev.rag.generate;

import dev.rag.generate.config.GenerateConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Answering a conversation's latest question from the tenant's documents. */
@ApplicationScoped
public class ChatService {

  private final PassageRetriever retriever;
  private final GenerateConfig config;
  private final ExtractiveSynthesizer synthesizer;
  private final CitationChecker citations;

  ChatService(PassageRetriever retriever, GenerateConfig config, CitationChecker citations) {
    this.retriever = retriever;
    this.config = config;
    this.citations = citations;
    this.synthesizer =
        new ExtractiveSynthesizer(
            config.extractive().maxSentences(), config.extractive().maxChars());
  }

  /** The model name clients see. */
  public String modelName() {
    return config.modelName();
  }

  /**
   * @throws InvalidChatRequestException when the request breaks the contract
   * @throws RetrievalUnavailableException when retrieval cannot answer now
   */
  public Answer chat(ChatRequest request) {
    String question = question(request);
    int topK = request.topK() == 0 ? config.topK() : request.topK();
    if (topK < 1 || topK > config.limits().maxTopK()) {
      throw new InvalidChatRequestException(
          "top_k", "top_k must be between 1 and " + config.limits().maxTopK());
    }
    if (request.maxTokens() < 0) {
      throw new InvalidChatRequestException("max_tokens", "max_tokens must be positive");
    }
    // A follow-up ("what about its second author?") is searched together with the question before.
    String query = FollowUps.standalone(request.messages());
    if (query.isBlank()) {
      query = question;
    }
    List<RetrievedPassage> passages =
        retriever.retrieve(config.tenant(), query, topK, request.sources());
    return citations.check(synthesizer.answer(query, passages, request.maxTokens()));
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
