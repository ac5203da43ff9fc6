package dev.rag.retrieve;

import dev.rag.retrieve.lexical.LexicalEncoder;
import dev.rag.retrieve.model.TermCounts;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Document frequencies of lexical terms among one tenant's passages in a model's index (all of
 * them, or those of some of its sources): the statistics a BM25 score of those passages uses,
 * independent of every other tenant.
 */
public interface TermStatistics {

  /**
   * The counts among the tenant's passages.
   *
   * @param sources count only the passages of these sources; empty: all of the tenant's
   * @param termIds the terms, as {@link LexicalEncoder#termId} makes them
   */
  CompletableFuture<TermCounts> count(
      String tenant, List<String> sources, String modelId, int[] termIds);

  /** The counts among all of the tenant's passages. */
  default CompletableFuture<TermCounts> count(String tenant, String modelId, int[] termIds) {
    return count(tenant, List.of(), modelId, termIds);
  }
}
