package dev.rag.generate.metrics;

import dev.rag.generate.AnswerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The answering's counters: {@code rag.llm.fallbacks}, {@code rag.llm.interrupted} and {@code
 * rag.citations.removed} (in Prometheus {@code rag_llm_fallbacks_total} and so on).
 */
@ApplicationScoped
public class MicrometerAnswerMetrics implements AnswerMetrics {

  private final Counter fallbacks;
  private final Counter interrupted;
  private final Counter citationsRemoved;
  private final Counter unsupportedClaims;

  public MicrometerAnswerMetrics(MeterRegistry registry) {
    this.fallbacks =
        Counter.builder("rag.llm.fallbacks")
            .description("Answers given by the extractive answerer because the model failed")
            .register(registry);
    this.interrupted =
        Counter.builder("rag.llm.interrupted")
            .description("Model answers that stopped midway (the text ends with a note)")
            .register(registry);
    this.citationsRemoved =
        Counter.builder("rag.citations.removed")
            .description("Citations of answers that pointed at no given source and were removed")
            .register(registry);
    this.unsupportedClaims =
        Counter.builder("rag.claims.unsupported")
            .description("Cited sentences of answers that the sources they cite do not support")
            .register(registry);
  }

  @Override
  public void fellBack() {
    fallbacks.increment();
  }

  @Override
  public void interrupted() {
    interrupted.increment();
  }

  @Override
  public void citationsRemoved(int count) {
    if (count > 0) {
      citationsRemoved.increment(count);
    }
  }

  @Override
  public void unsupportedClaims(int count) {
    if (count > 0) {
      unsupportedClaims.increment(count);
    }
  }
}
