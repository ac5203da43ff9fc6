package dev.rag.generate.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of generate-service, under {@code generate.*}. */
@ConfigMapping(prefix = "generate")
public interface GenerateConfig {

  /** Tenant every request acts for until callers are authenticated per tenant. */
  @WithDefault("default")
  String tenant();

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

  /** The built-in extractive answerer. */
  interface Extractive {
    /** Most sentences in an answer. */
    @WithDefault("3")
    int maxSentences();

    /** Soft limit on an answer's length in characters. */
    @WithDefault("700")
    int maxChars();
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
  }
}
