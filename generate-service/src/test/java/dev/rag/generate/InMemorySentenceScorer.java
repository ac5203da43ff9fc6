package dev.rag.generate;

import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Stands in for embed-service's sentence similarities in this module's tests: it cannot tell (as
 * when embed-service is away), so answers are chosen by their words; the real one is exercised end
 * to end.
 */
@Mock
@ApplicationScoped
public class InMemorySentenceScorer implements SentenceScorer {

  @Override
  public Optional<double[]> similarities(String question, List<String> sentences) {
    return Optional.empty();
  }
}
