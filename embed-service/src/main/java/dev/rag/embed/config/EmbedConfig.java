package dev.rag.embed.config;

import dev.rag.embedding.Device;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/** Configuration of embed-service, under {@code embed.*}. */
@ConfigMapping(prefix = "embed")
public interface EmbedConfig {

  /**
   * Model id: with the local backend {@code bge-small-en-v1.5-int8} (default), {@code
   * e5-small-v2-int8} or {@code all-minilm-l6-v2-int8}; with the remote backend the id the index
   * knows the server's model by (lower-case letters, digits, {@code .}, {@code _} and {@code -}),
   * e.g. {@code tei-bge-base-en-v1.5}. Vectors carry it and each id has its own collection.
   */
  @WithDefault("bge-small-en-v1.5-int8")
  String model();

  /** Where vectors come from: the in-process ONNX model, or a server. */
  @WithDefault("local")
  Backend backend();

  /** The remote backend: an OpenAI-compatible embeddings server. */
  Remote remote();

  /** Where inference runs: auto (GPU when visible), cpu, or cuda (fails without a GPU). */
  @WithDefault("auto")
  Device device();

  /** ONNX Runtime intra-op threads; 0 means one per available processor. */
  @WithDefault("0")
  int threads();

  /** Text put before each query; unset keeps the model's convention (none for bge). */
  Optional<String> queryInstruction();

  /** Inference batches. */
  Batch batch();

  /** Limits of one gRPC Embed request. */
  Limits limits();

  /**
   * How long the chunks consumer waits for the broker to acknowledge a batch's embeddings events;
   * past it they are sent again with backoff (never dead-lettered for that).
   */
  @WithDefault("60s")
  Duration publishTimeout();

  /** The two backends. */
  enum Backend {
    /** The ONNX model in this process. */
    LOCAL,
    /** A server speaking OpenAI's {@code POST /v1/embeddings}. */
    REMOTE
  }

  /** An OpenAI-compatible embeddings server (TEI, vLLM, NIM, Ollama, another embed-service). */
  interface Remote {
    /** Its OpenAI base URL, ending in {@code /v1}; required with the remote backend. */
    Optional<URI> url();

    /** The model name sent in each request; unset sends {@code embed.model}. */
    Optional<String> model();

    /** Bearer key for the server, if it wants one. */
    Optional<String> apiKey();

    /** Most texts per request. */
    @WithDefault("32")
    int batchSize();

    /** Most requests in flight at once, from this instance. */
    @WithDefault("4")
    int concurrency();

    /** Limit of one request, connecting and reading. */
    @WithDefault("30s")
    Duration timeout();

    /**
     * Tries per request, the first included, with backoff; past them a query fails with UNAVAILABLE
     * and the chunks consumer waits and tries again (never dead-letters for it).
     */
    @WithDefault("3")
    int attempts();

    /**
     * Whether requests say {@code input_type} ({@code passage} or {@code query}), as NVIDIA NIM's
     * asymmetric models and embed-service understand; other servers may refuse the field.
     */
    @WithDefault("false")
    boolean sendInputType();
  }

  /** Inference batches: inputs sorted by length, padded per batch. */
  interface Batch {
    /** Most padded tokens in one inference batch; 0 chooses by device (8192 CPU, 16384 GPU). */
    @WithDefault("0")
    int maxTokens();

    /**
     * Most inputs in one inference batch; 0 chooses by device: 1 on the CPU (the int8 models ran
     * fastest one input at a time there, see ./rag bench embed), 64 on a GPU.
     */
    @WithDefault("0")
    int maxSize();
  }

  /** Limits of one gRPC Embed request. */
  interface Limits {
    /** Most texts per request. */
    @WithDefault("64")
    int maxTexts();

    /** Longest text in characters; longer texts are refused, not silently cut. */
    @WithDefault("8192")
    int maxTextChars();
  }
}
