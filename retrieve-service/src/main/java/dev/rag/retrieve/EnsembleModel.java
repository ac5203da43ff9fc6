package dev.rag.retrieve;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The dense ensemble's second embedding model, which embeds queries for its own index. */
public interface EnsembleModel {

  /** The second model's id; empty when no ensemble is configured. */
  Optional<String> modelId();

  /**
   * Embeds a query with the second model, off the caller's thread.
   *
   * @return the L2-normalised vector; fails with {@link DependencyUnavailableException} when the
   *     model cannot be run
   */
  CompletableFuture<float[]> embedAsync(String query);
}
