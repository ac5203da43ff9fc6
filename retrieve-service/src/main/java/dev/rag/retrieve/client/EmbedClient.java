package dev.rag.retrieve.client;

import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoRequest;
import dev.rag.proto.v1.InfoResponse;
import dev.rag.proto.v1.MutinyEmbedGrpc.MutinyEmbedStub;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.QueryEmbedder.QueryVector;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.mapping.QueryEmbeddingMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * embed-service's gRPC Info and Embed. Every call carries a deadline ({@code
 * retrieve.query-embedding.timeout}, or the query's own when that is sooner) on the wire, so
 * embed-service gives up on a query this service has given up on.
 */
@ApplicationScoped
public class EmbedClient implements RemoteEmbedder {

  private final MutinyEmbedStub embed;
  private final Duration timeout;

  EmbedClient(@GrpcClient("embed") MutinyEmbedStub embed, RetrieveConfig config) {
    this.embed = embed;
    this.timeout = config.queryEmbedding().timeout();
  }

  private MutinyEmbedStub withDeadline() {
    return embed.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public ModelInfo info() {
    InfoResponse info;
    try {
      // The deadline travels with the call and ends it here too: no local wait beyond it.
      info = withDeadline().info(InfoRequest.getDefaultInstance()).await().indefinitely();
    } catch (StatusRuntimeException e) {
      throw new DependencyUnavailableException("embed-service did not say its model: " + e, e);
    }
    return new ModelInfo(info.getModelId(), info.getDimension(), info.getDevice());
  }

  @Override
  public QueryVector embed(String query) {
    EmbedResponse response;
    try {
      response = withDeadline().embed(QueryEmbeddingMapper.request(query)).await().indefinitely();
    } catch (StatusRuntimeException e) {
      throw new DependencyUnavailableException(
          e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
              ? "embed-service did not answer in time (at most " + timeout + ")"
              : "embed-service could not embed the query: " + e.getStatus(),
          e);
    }
    return QueryEmbeddingMapper.vector(response);
  }
}
