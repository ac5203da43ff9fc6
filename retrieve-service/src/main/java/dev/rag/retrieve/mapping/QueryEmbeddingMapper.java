package dev.rag.retrieve.mapping;

import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.retrieve.QueryEmbedder.QueryVector;
import java.util.List;

/** embed-service's gRPC Embed messages for one query, to and from the domain. */
public final class QueryEmbeddingMapper {

  private QueryEmbeddingMapper() {}

  /** A request to embed {@code query} as a query (with the model's query convention). */
  public static EmbedRequest request(String query) {
    return EmbedRequest.newBuilder().addTexts(query).setKind(InputKind.INPUT_KIND_QUERY).build();
  }

  /** The query's vector (the response's first), with the model that wrote it. */
  public static QueryVector vector(EmbedResponse response) {
    List<Float> values = response.getVectors(0).getValuesList();
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
    }
    return new QueryVector(response.getModelId(), vector);
  }
}
