package dev.rag.generate.client;

import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievalUnavailableException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.config.GenerateConfig;
import dev.rag.generate.mapping.RetrievalMapper;
import dev.rag.proto.v1.MutinyRetrieveGrpc.MutinyRetrieveStub;
import dev.rag.proto.v1.StatsRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Retrieves passages through retrieve-service's gRPC Retrieve. Every call carries a deadline
 * ({@code generate.retrieval.timeout}) on the wire, so retrieve-service gives up on a query this
 * service has given up on.
 */
@ApplicationScoped
public class RetrieveClient implements PassageRetriever {

  private final MutinyRetrieveStub retrieve;
  private final Duration timeout;

  RetrieveClient(@GrpcClient("retrieve") MutinyRetrieveStub retrieve, GenerateConfig config) {
    this.retrieve = retrieve;
    this.timeout = config.retrieval().timeout();
  }

  private MutinyRetrieveStub withDeadline() {
    return retrieve.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public List<RetrievedPassage> retrieve(
      String tenant, String query, int topK, List<String> sources) {
    try {
      // The deadline travels with the call and ends it here too: no local wait beyond it.
      return withDeadline()
          .retrieve(RetrievalMapper.request(tenant, query, topK, sources))
          .await()
          .indefinitely()
          .getPassagesList()
          .stream()
          .map(RetrievalMapper::passage)
          .toList();
    } catch (StatusRuntimeException e) {
      throw new RetrievalUnavailableException(
          e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
              ? "retrieval did not answer within " + timeout
              : "retrieval failed: " + e.getStatus(),
          e);
    }
  }

  @Override
  public List<SourceSummary> sources(String tenant) {
    try {
      return withDeadline()
          .stats(StatsRequest.newBuilder().setTenant(tenant).build())
          .await()
          .indefinitely()
          .getSourcesList()
          .stream()
          .map(RetrievalMapper::source)
          .toList();
    } catch (StatusRuntimeException e) {
      throw new RetrievalUnavailableException(
          e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
              ? "sources not listed within " + timeout
              : "source listing failed: " + e.getStatus(),
          e);
    }
  }
}
