package dev.rag.retrieve.client;

import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.QueryEmbedder;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Embeds queries through embed-service's gRPC Embed, with a deadline. */
@ApplicationScoped
public class EmbedClient implements QueryEmbedder {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final Embed embed;

  EmbedClient(@GrpcClient("embed") Embed embed) {
    this.embed = embed;
  }

  private volatile String model;
  private volatile long modelCheckedAt;

  @Override
  public String currentModel() {
    // The model changes only when embed-service is restarted on another one: ask every 10 s.
    if (model == null || System.nanoTime() - modelCheckedAt > 10_000_000_000L) {
      try {
        model =
            embed
                .info(dev.rag.proto.v1.InfoRequest.getDefaultInstance())
                .await()
                .atMost(DEADLINE)
                .getModelId();
        modelCheckedAt = System.nanoTime();
      } catch (StatusRuntimeException | io.smallrye.mutiny.TimeoutException e) {
        throw new DependencyUnavailableException("embed-service did not say its model: " + e, e);
      }
    }
    return model;
  }

  @Override
  public QueryVector embedQuery(String query) {
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
    } catch (io.smallrye.mutiny.TimeoutException e) {
      throw new DependencyUnavailableException(
          "embed-service did not answer within " + DEADLINE, e);
    }
    var values = response.getVectors(0).getValuesList();
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
    }
    model = response.getModelId();
    modelCheckedAt = System.nanoTime();
    return new QueryVector(response.getModelId(), vector);
  }
}
