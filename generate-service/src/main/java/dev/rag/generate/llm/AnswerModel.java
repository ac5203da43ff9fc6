package dev.rag.generate.llm;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The language model as the answering uses it: {@link LlmConnector}'s guarded calls, with every
 * failure to answer (an open circuit breaker included) an {@link LlmUnavailableException}, so the
 * core knows one failure and no fault-tolerance types.
 */
@ApplicationScoped
public class AnswerModel {

  private final LlmConnector connector;

  AnswerModel(LlmConnector connector) {
    this.connector = connector;
  }

  /** Whether a language model is configured. */
  public boolean enabled() {
    return connector.enabled();
  }

  /** The configured model's name; null when none is. */
  public String model() {
    return connector.model();
  }

  /** The longest silence allowed between two pieces. */
  public Duration idleTimeout() {
    return connector.idleTimeout();
  }

  /**
   * Starts a generation and returns once it has started to answer.
   *
   * @throws LlmUnavailableException when the model failed, stayed silent, or failed too often
   *     lately
   */
  public TokenStream open(List<LlmMessage> messages, LlmParams params) {
    try {
      return connector.open(messages, params);
    } catch (CircuitBreakerOpenException e) {
      throw unavailable(e);
    }
  }

  /**
   * A whole short generation as one string, within {@code deadline}.
   *
   * @throws LlmUnavailableException when the model failed, took too long, or failed too often
   *     lately
   */
  public String complete(List<LlmMessage> messages, LlmParams params, Duration deadline) {
    try {
      return connector.complete(messages, params, deadline);
    } catch (CircuitBreakerOpenException e) {
      throw unavailable(e);
    }
  }

  private static LlmUnavailableException unavailable(CircuitBreakerOpenException e) {
    return new LlmUnavailableException(e.getMessage(), e);
  }
}
