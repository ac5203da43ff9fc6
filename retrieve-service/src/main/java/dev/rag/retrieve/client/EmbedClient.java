package dev.rag.retrieve.client;

import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoRequest;
import dev.rag.proto.v1.InfoResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.QueryEmbedder.QueryVector;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.TimeoutException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** embed-service's gRPC Info and Embed, with a deadline. */
@ApplicationScoped
public class EmbedClient implements RemoteEmbedder {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final Embed embed;

  EmbedClient(@GrpcClient("embed") Embed embed) {
    this.embed = embed;
  }

  @Override
  public ModelInfo info() {
    InfoResponse info;
    try {
      info = embed.info(InfoRequest.getDefaultInstance()).await().atMost(DEADLINE);
    } catch (StatusRuntimeException | TimeoutException e) {
      throw new DependencyUnavailableException("embed-service did not say its model: " + e, e);
    }
    return new ModelInfo(info.getModelId(), info.getDimension(), info.getDevice());
  }

  @Override
  public QueryVector embed(String query) {
    EmbedResponse response;
    try {
      response =
          embed
              .embed(
                  EmbedRequest.newBuilder()
                      .addTexts(query)
                      .setKind(InputKind.INPUT_KIND_QUERY)
                      .build())
              .await()
              .atMost(DEADLINE);
    } catch (StatusRuntimeException e) {
      throw new DependencyUnavailableException(
          "embed-service could not embed the query: " + e.getStatus(), e);
    } catch (TimeoutException e) {
      throw new DependencyUnavailableException(
          "embed-service did not answer within " + DEADLINE, e);
    }
    var values = response.getVectors(0).getValuesList();
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
    }
    return new QueryVector(response.getModelId(), vector);
  }
}
