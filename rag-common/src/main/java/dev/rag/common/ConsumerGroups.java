package dev.rag.common;

/**
 * The consumer groups of the pipeline's stages. Each embedding model has its own embed group, so a
 * model being built (a replay) reads the chunks topic beside the live one. The services' {@code
 * application.properties} and the Helm chart's autoscaling spell the same names.
 */
public final class ConsumerGroups {

  /** Reads rag.documents.v1. */
  public static final String INGEST = "ingest-service";

  /** Reads rag.embeddings.v1. */
  public static final String RETRIEVE = "retrieve-service";

  private ConsumerGroups() {}

  /** Reads rag.chunks.v1 for one embedding model. */
  public static String embed(String modelId) {
    return "embed-service-" + modelId;
  }
}
