package dev.rag.generate.llm;

import dev.rag.generate.config.GenerateConfig;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

/**
 * Opens generations on the configured language model, guarded: a generation counts as started once
 * its first piece arrives (within {@code generate.llm.first-token-timeout}); failures to start are
 * retried with exponential backoff, and after repeated failures a circuit breaker stops calling the
 * model for a while, so callers fall back at once instead of waiting on a dead server. Tune the
 * guards with MicroProfile Fault Tolerance properties, e.g. {@code
 * dev.rag.generate.llm.LlmConnector/open/Retry/maxRetries=2} or {@code
 * dev.rag.generate.llm.LlmConnector/open/CircuitBreaker/delay=30000}.
 */
@ApplicationScoped
public class LlmConnector {

  private static final Logger LOG = Logger.getLogger(LlmConnector.class);

  private final GenerateConfig.Llm config;
  private final LlmProvider provider;

  LlmConnector(GenerateConfig config) {
    this.config = config.llm();
    this.provider = create(config.llm());
    if (provider != null) {
      LOG.infof("Answers are written by %s (%s)", provider.model(), config.llm().provider());
    }
  }

  /** Whether a language model is configured. */
  public boolean enabled() {
    return provider != null;
  }

  /** The configured model's name; null when none is. */
  public String model() {
    return provider == null ? null : provider.model();
  }

  /**
   * Starts a generation and returns once it has started to answer.
   *
   * @throws LlmUnavailableException when the model failed or stayed silent, after the retries
   * @throws CircuitBreakerOpenException when the model failed too often lately
   */
  @Retry(
      maxRetries = 2,
      delay = 200,
      jitter = 100,
      maxDuration = 60_000,
      abortOn = CircuitBreakerOpenException.class)
  @ExponentialBackoff(factor = 2, maxDelay = 2_000)
  @CircuitBreaker(
      requestVolumeThreshold = 4,
      failureRatio = 0.75,
      delay = 30_000,
      successThreshold = 1,
      failOn = LlmUnavailableException.class)
  public TokenStream open(List<LlmMessage> messages, LlmParams params) {
    if (provider == null) {
      throw new LlmUnavailableException("no language model is configured", null);
    }
    TokenStream stream = new TokenStream();
    try {
      stream.cancelWith(provider.stream(messages, params, stream));
      stream.awaitStart(config.firstTokenTimeout());
      return stream;
    } catch (RuntimeException e) {
      stream.close();
      if (e instanceof LlmUnavailableException) {
        throw e;
      }
      throw new LlmUnavailableException("the language model failed: " + e.getMessage(), e);
    }
  }

  /**
   * A whole short generation as one string.
   *
   * @param deadline time allowed for all of it
   */
  public String complete(List<LlmMessage> messages, LlmParams params, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    try (TokenStream stream = open(messages, params)) {
      StringBuilder text = new StringBuilder();
      String piece;
      while ((piece = stream.next(remaining(end))) != null) {
        text.append(piece);
      }
      return text.toString();
    }
  }

  private static Duration remaining(long end) {
    long left = end - System.nanoTime();
    if (left <= 0) {
      throw new LlmUnavailableException("the language model took too long", null);
    }
    return Duration.ofNanos(left);
  }

  /** The longest silence allowed between two pieces. */
  public Duration idleTimeout() {
    return config.idleTimeout();
  }

  @PreDestroy
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  private static LlmProvider create(GenerateConfig.Llm llm) {
    return switch (llm.provider()) {
      case NONE -> null;
      case OPENAI ->
          LangChainProvider.openAiCompatible(
              required(llm.baseUrl().orElse(null), "base-url"),
              llm.apiKey().orElse(null),
              required(llm.model().orElse(null), "model"),
              llm.firstTokenTimeout());
      case OLLAMA ->
          LangChainProvider.ollama(
              required(llm.baseUrl().orElse(null), "base-url"),
              required(llm.model().orElse(null), "model"),
              llm.firstTokenTimeout());
      case GGUF ->
          GgufProvider.load(
              llm.modelPath()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "generate.llm.provider=gguf needs generate.llm.model-path, a GGUF"
                                  + " file")),
              llm.model().orElse(null),
              llm.contextSize(),
              llm.threads());
    };
  }

  private static String required(String value, String key) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "generate.llm."
              + key
              + " is required for this provider (env GENERATE_LLM_"
              + key.toUpperCase(Locale.ROOT).replace('-', '_')
              + ")");
    }
    return value;
  }
}
