package dev.rag.retrieve;

import java.util.List;

/**
 * A search within one tenant's passages.
 *
 * @param tenant whose passages are searched
 * @param text the query
 * @param topK how many passages to return
 * @param sources sources to search; empty means all
 */
public record RetrievalQuery(String tenant, String text, int topK, List<String> sources) {}
