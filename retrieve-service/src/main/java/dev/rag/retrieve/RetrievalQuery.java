package dev.rag.retrieve;

import java.util.List;
import java.util.Map;

/**
 * A search within one tenant's passages.
 *
 * @param tenant whose passages are searched
 * @param text the query
 * @param topK how many passages to return; 0 for the default
 * @param sources sources to search; empty means all
 * @param mode which signals rank passages; null for the default
 * @param sourceWeights weight per source in multi-source fusion (default 1)
 * @param filter conditions every passage meets
 * @param hybrid overrides of the hybrid settings; null for the defaults
 * @param rerank overrides of the reranking stage; null for the defaults
 * @param lexical overrides of the lexical signal's settings; null for the defaults
 * @param ensemble overrides of the dense ensemble; null for the defaults
 */
public record RetrievalQuery(
    String tenant,
    String text,
    int topK,
    List<String> sources,
    RetrievalMode mode,
    Map<String, Double> sourceWeights,
    PassageFilter filter,
    HybridSettings hybrid,
    RerankSettings rerank,
    LexicalSettings lexical,
    EnsembleSettings ensemble) {

  /** A query with every option at its default. */
  public static RetrievalQuery of(String tenant, String text, int topK, List<String> sources) {
    return new RetrievalQuery(
        tenant, text, topK, sources, null, Map.of(), PassageFilter.NONE, null, null, null, null);
  }
}
