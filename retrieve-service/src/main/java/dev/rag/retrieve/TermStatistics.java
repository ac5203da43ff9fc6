package dev.rag.retrieve;

import dev.rag.retrieve.lexical.LexicalEncoder;
import dev.rag.retrieve.model.TermCounts;
import java.util.concurrent.CompletableFuture;

/**
 * Document frequencies of lexical terms among one tenant's passages in a model's index: the
 * statistics a BM25 score of that tenant's passages uses, independent of every other tenant.
 */
public interface TermStatistics {

  /**
   * The counts among the tenant's passages.
   *
   * @param termIds the terms, as {@link LexicalEncoder#termId} makes them
   */
  CompletableFuture<TermCounts> count(String tenant, String modelId, int[] termIds);
}
