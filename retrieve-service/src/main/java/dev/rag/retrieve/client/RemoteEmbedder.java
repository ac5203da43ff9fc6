package dev.rag.retrieve.client;

import dev.rag.retrieve.QueryEmbedder.QueryVector;

/** embed-service as retrieve-service sees it: which model it runs, where, and query embeddings. */
public interface RemoteEmbedder {

  /**
   * @param modelId the model embed-service runs: the index queries read
   * @param dimension the length of its vectors
   * @param device where it runs: "cpu" or "cuda"
   */
  record ModelInfo(String modelId, int dimension, String device) {}

  /**
   * @throws dev.rag.retrieve.DependencyUnavailableException when embed-service cannot answer
   */
  ModelInfo info();

  /**
   * @throws dev.rag.retrieve.DependencyUnavailableException when embed-service cannot answer
   */
  QueryVector embed(String query);
}
