package dev.rag.retrieve;

/** Turns a query into a dense vector, with the id of the model that made it. */
public interface QueryEmbedder {

  /**
   * @throws DependencyUnavailableException when the embedding service cannot answer
   */
  QueryVector embedQuery(String query);

  /**
   * The model queries are embedded with now: the index that queries (and stats) read.
   *
   * @throws DependencyUnavailableException when the embedding service cannot answer
   */
  String currentModel();

  /**
   * @param modelId the model that produced the vector
   * @param vector the L2-normalised vector
   */
  record QueryVector(String modelId, float[] vector) {}
}
