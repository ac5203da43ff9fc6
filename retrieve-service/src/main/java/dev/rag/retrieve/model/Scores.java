package dev.rag.retrieve.model;

/**
 * Every score behind a passage's rank; 0 where a stage did not run or did not see the passage.
 *
 * @param dense cosine similarity of the query and passage vectors
 * @param sparse lexical (BM25) score
 * @param fused hybrid score within the passage's source
 * @param rerank the reranker's score
 * @param finalScore the score the passage is ranked by
 */
public record Scores(double dense, double sparse, double fused, double rerank, double finalScore) {

  public static final Scores NONE = new Scores(0, 0, 0, 0, 0);

  public Scores withDense(double v) {
    return new Scores(v, sparse, fused, rerank, finalScore);
  }

  public Scores withSparse(double v) {
    return new Scores(dense, v, fused, rerank, finalScore);
  }

  public Scores withFused(double v) {
    return new Scores(dense, sparse, v, rerank, finalScore);
  }

  public Scores withRerank(double v) {
    return new Scores(dense, sparse, fused, v, finalScore);
  }

  public Scores withFinal(double v) {
    return new Scores(dense, sparse, fused, rerank, v);
  }
}
