package dev.rag.retrieve;

import dev.rag.retrieve.model.StatisticsScope;

/**
 * How the lexical signal of one query runs: whose document frequencies weigh its terms, and its
 * pseudo-relevance feedback. As a request's override, null, {@link #UNSET} and NaN keep the
 * service's defaults.
 *
 * @param statistics whose passages the document frequencies are counted among
 * @param feedbackPassages the best lexical hits of a scope that expand its query; 0: no feedback
 * @param feedbackTerms terms added to the query from them
 * @param feedbackQueryWeight weight of the original query against the added terms, in [0, 1]
 */
public record LexicalSettings(
    StatisticsScope statistics,
    int feedbackPassages,
    int feedbackTerms,
    double feedbackQueryWeight) {

  /** A count the request leaves to the service's default. */
  public static final int UNSET = Integer.MIN_VALUE;

  /** Whether feedback expands the query. */
  public boolean feedback() {
    return feedbackPassages > 0 && feedbackTerms > 0 && feedbackQueryWeight < 1;
  }
}
