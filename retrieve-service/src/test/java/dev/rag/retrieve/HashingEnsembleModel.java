package dev.rag.retrieve;

import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The dense ensemble's second model inside this module's tests: the same hashing embedder under
 * another model id, so that its index is a collection of its own. Queries of tenants that have no
 * passages in it search it and find nothing, which leaves their ranking as it was.
 */
@Mock
@ApplicationScoped
public class HashingEnsembleModel implements EnsembleModel {

  static final String MODEL = "test-hashing-ensemble";

  @Override
  public Optional<String> modelId() {
    return Optional.of(MODEL);
  }

  @Override
  public CompletableFuture<float[]> embedAsync(String query) {
    return CompletableFuture.completedFuture(HashingQueryEmbedder.vector(query));
  }
}
