package dev.rag.generate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Configuration of generate-service, under {@code generate.*}. */
@ConfigMapping(prefix = "generate")
public interface GenerateConfig {

  /** Model name reported to clients ({@code GET /v1/models}, {@code model} in responses). */
  @WithDefault("rag-extractive")
  String modelName();

  /** Passages retrieved per question when the request does not say. */
  @WithDefault("5")
  int topK();

  /** The built-in extractive answerer. */
  Extractive extractive();

  /** Request limits. */
  Limits limits();

  /** retrieve-service, reached over gRPC. */
  Retrieval retrieval();

  /** ingest-service, reached over gRPC for document statuses (MCP's get_document_status). */
  Ingest ingest();

  /** The page at {@code /}. */
  Page page();

  /** The page at {@code /}: where its Documents view reaches ingest-service, what it lists. */
  interface Page {
    /**
     * ingest-service's base URL, when it is not this origin (an Ingress that routes {@code
     * /v1/files} and {@code /v1/documents} there); that origin is allowed by the page's
     * Content-Security-Policy, and must allow this page's origin (CORS).
     */
    Optional<String> ingestUrl();

    /**
     * A folder whose {@code eval/} and {@code bench/} hold the HTML reports of {@code ./rag eval}
     * and {@code ./rag bench}, listed on the page and served to anyone who can reach it; unset:
     * none ({@code ./rag up} sets it to {@code $RAG_HOME}).
     */
    Optional<Path> reportsDir();
  }

  /** ingest-service, reached over gRPC ({@code quarkus.grpc.clients.ingest.*}). */
  interface Ingest {
    /** Deadline of each status lookup, sent with the call. */
    @WithDefault("5s")
    Duration timeout();
  }

  /** retrieve-service, reached over gRPC. */
  interface Retrieval {
    /**
     * Deadline of each call to retrieve-service, sent with the call: past it retrieve-service stops
     * working on the query too.
     */
    @WithDefault("15s")
    Duration timeout();

    /**
     * Tries of a call that found its retrieve-service replica gone (connection refused or reset:
     * UNAVAILABLE), each on the next replica, all within the one deadline. 1: no retry.
     */
    @WithDefault("3")
    int attempts();
  }

  /** The language model that writes answers; none means the built-in extractive answerer. */
  Llm llm();

  /** The built-in extractive answerer. */
  interface Extractive {
    /** Most sentences in an answer. */
    @WithDefault("2")
    int maxSentences();

    /** Most sentences of one document in an answer (the others come from other documents). */
    @WithDefault("2")
    int maxPerDocument();

    /** A sentence joins the answer only when it scores at least this share of the best one's. */
    @WithDefault("0.85")
    double minRelativeScore();

    /** Soft limit on an answer's length in characters. */
    @WithDefault("700")
    int maxChars();

    /**
     * Questions about several documents ("which papers...", "compare..."): answered with one point
     * per document.
     */
    Several several();

    /** How a question about several documents is answered. */
    interface Several {
      /** Most documents (one point each) in such an answer. */
      @WithDefault("5")
      int maxDocuments();

      /** A document's point joins only when it scores at least this share of the best one's. */
      @WithDefault("0.6")
      double minRelativeScore();
    }

    /** Sentences weighed by meaning too, through embed-service's model. */
    Dense dense();

    /** Sentences weighed by meaning: the best candidates by their words, scored again. */
    interface Dense {
      /**
       * How many of the best sentences by their words are scored by meaning (embedded by
       * embed-service with the question); 0 chooses by words alone.
       */
      @WithDefault("7")
      int candidates();

      /** Deadline of the embedding calls; past it the answer is chosen by words alone. */
      @WithDefault("1s")
      Duration timeout();
    }

    /**
     * Per embedding model, the cosine similarity below which the best passage found is taken as no
     * support for any answer: the answer then abstains (says so, cites nothing) without quoting or
     * prompting a model. Models not listed are never abstained on by similarity. The defaults
     * (application.properties) were chosen on SciFact train against CISI and CACM questions asked
     * of a SciFact tenant (docs/decisions.md).
     */
    Map<String, Double> minSimilarity();

    /**
     * When the best passage is below its model's {@link #minSimilarity}, the share of the
     * question's weighted content terms one chosen sentence must still hold for the answer not to
     * abstain.
     */
    @WithDefault("0.5")
    double distantMinCoverage();
  }

  /** The language model that writes answers. */
  interface Llm {

    /** Which kind of model answers. */
    enum Provider {
      /** No model: the extractive answerer. */
      NONE,
      /** Any server speaking OpenAI's chat-completions protocol. */
      OPENAI,
      /** Ollama's native API. */
      OLLAMA,
      /** A GGUF model file run in this process by llama.cpp. */
      GGUF
    }

    @WithDefault("none")
    Provider provider();

    /** API root: {@code http://host:port/v1} for OpenAI-compatible servers, Ollama's root. */
    Optional<String> baseUrl();

    /** Model name sent to the server (and reported to clients). */
    Optional<String> model();

    /** Bearer key for the server, when it needs one. */
    Optional<String> apiKey();

    /** The GGUF file (provider gguf). */
    Optional<Path> modelPath();

    /** Context window in tokens for a GGUF model. */
    @WithDefault("4096")
    int contextSize();

    /** CPU threads for a GGUF model; 0 lets llama.cpp choose. */
    @WithDefault("0")
    int threads();

    /** Default answer length in tokens when a request does not say. */
    @WithDefault("512")
    int maxTokens();

    /** Sampling temperature when a request does not say. */
    @WithDefault("0.2")
    double temperature();

    /** Time allowed for the first piece of an answer (connection included). */
    @WithDefault("30s")
    Duration firstTokenTimeout();

    /** Longest silence allowed between two pieces of an answer. */
    @WithDefault("30s")
    Duration idleTimeout();

    /** Characters of source text in a prompt at most (later sources are cut first). */
    @WithDefault("24000")
    int maxSourceChars();

    /** Whether follow-up questions are rewritten by the model into stand-alone queries. */
    @WithDefault("true")
    boolean rewriteFollowUps();

    /** Time allowed for rewriting a follow-up question; past it the heuristic is used. */
    @WithDefault("8s")
    Duration rewriteTimeout();
  }

  /** Request limits. */
  interface Limits {
    /** Most messages in a conversation. */
    @WithDefault("64")
    int maxMessages();

    /** Longest message in characters. */
    @WithDefault("16384")
    int maxMessageChars();

    /** Largest top_k a request may ask for. */
    @WithDefault("50")
    int maxTopK();

    /**
     * Most sources a request may name: each named source costs retrieve-service one search per
     * signal (dense and lexical), so the list is bounded like retrieve's own {@code
     * retrieve.limits.max-sources}.
     */
    @WithDefault("16")
    int maxSources();

    /**
     * Largest {@code max_tokens} (or {@code max_completion_tokens}) a request may ask for; more is
     * refused, not clamped, so a client never silently gets a shorter answer than it asked for. The
     * default is the default GGUF context window: no answer can be longer.
     */
    @WithDefault("4096")
    int maxTokens();

    /**
     * Most passages of a document an MCP client reads as one resource (from its first chunk);
     * retrieve-service allows up to 2000, ingest's most chunks per document.
     */
    @WithDefault("500")
    int maxDocumentPassages();

    /** Most document ids, and most metadata entries, a search may filter by. */
    @WithDefault("64")
    int maxFilterValues();
  }
}
