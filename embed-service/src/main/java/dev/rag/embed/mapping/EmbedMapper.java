package dev.rag.embed.mapping;

import dev.rag.embedding.TextKind;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.proto.v1.Vector;
import java.util.List;

/** gRPC Embed and Info messages to and from the domain. */
public final class EmbedMapper {

  private EmbedMapper() {}

  /** What the texts are: passages when the request says so, queries otherwise (the default). */
  public static TextKind kind(InputKind kind) {
    return kind == InputKind.INPUT_KIND_PASSAGE ? TextKind.PASSAGE : TextKind.QUERY;
  }

  /** The vectors in the order of the request's texts, with the model that wrote them. */
  public static EmbedResponse response(String modelId, int dimension, List<float[]> vectors) {
    EmbedResponse.Builder response =
        EmbedResponse.newBuilder().setModelId(modelId).setDimension(dimension);
    for (float[] v : vectors) {
      Vector.Builder b = Vector.newBuilder();
      for (float x : v) {
        b.addValues(x);
      }
      response.addVectors(b);
    }
    return response.build();
  }

  /** The model and where it runs ({@code cuda}, {@code cpu} or {@code remote}). */
  public static InfoResponse info(String modelId, int dimension, String device) {
    return InfoResponse.newBuilder()
        .setModelId(modelId)
        .setDimension(dimension)
        .setDevice(device)
        .build();
  }
}
