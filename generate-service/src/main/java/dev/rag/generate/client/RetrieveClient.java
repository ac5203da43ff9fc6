package dev.rag.generate.client;

import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievalUnavailableException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.generate.config.GenerateConfig;
import dev.rag.generate.mapping.RetrievalMapper;
import dev.rag.proto.v1.GetDocumentRequest;
import dev.rag.proto.v1.MutinyRetrieveGrpc.MutinyRetrieveStub;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.StatsRequest;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Retrieves passages through retrieve-service's gRPC Retrieve. Every call carries a deadline
 * ({@code generate.retrieval.timeout}) on the wire, so retrieve-service gives up on a query this
 * service has given up on.
 */
@ApplicationScoped
public class RetrieveClient implements PassageRetriever {

  private final MutinyRetrieveStub retrieve;
  private final Duration timeout;
  private final int attempts;
  private final int maxDocumentPassages;

  RetrieveClient(@GrpcClient("retrieve") MutinyRetrieveStub retrieve, GenerateConfig config) {
    this.retrieve = retrieve;
    this.timeout = config.retrieval().timeout();
    this.attempts = Math.max(1, config.retrieval().attempts());
    this.maxDocumentPassages = config.limits().maxDocumentPassages();
  }

  /**
   * Makes the call, again on the next replica (the client's round robin) while it fails with
   * UNAVAILABLE, the replica having gone away, up to {@code generate.retrieval.attempts} tries; all
   * share one deadline, which travels with each call and ends it here too. A call that still fails
   * is a {@link RetrievalUnavailableException} saying what ({@code what}) did not answer.
   */
  private <T> T call(String what, Function<MutinyRetrieveStub, Uni<T>> call) {
    try {
      return callWithRetries(call);
    } catch (StatusRuntimeException e) {
      throw new RetrievalUnavailableException(
          e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED
              ? what + " did not answer within " + timeout
              : what + " failed: " + e.getStatus(),
          e);
    }
  }

  private <T> T callWithRetries(Function<MutinyRetrieveStub, Uni<T>> call) {
    Deadline deadline = Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    for (int attempt = 1; ; attempt++) {
      MutinyRetrieveStub stub = retrieve.withDeadline(deadline);
      if (attempt > 1) {
        // A retry waits a little (2 s at most, within the deadline) for a replica to be reachable
        // instead of failing at once while the channel reconnects; with every replica down the
        // caller still hears so within seconds.
        stub =
            retrieve
                .withDeadline(Deadline.after(2, TimeUnit.SECONDS).minimum(deadline))
                .withWaitForReady();
      }
      try {
        return call.apply(stub).await().indefinitely();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (attempt > 1 && code == Status.Code.DEADLINE_EXCEEDED && !deadline.isExpired()) {
          // The short wait of a retry ran out, not the call's deadline: no replica came back.
          e =
              Status.UNAVAILABLE
                  .withDescription("no retrieve-service replica reachable")
                  .asRuntimeException();
          code = Status.Code.UNAVAILABLE;
        }
        if (attempt >= attempts || code != Status.Code.UNAVAILABLE || deadline.isExpired()) {
          throw e;
        }
        pause(50L * attempt);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
  }

  @Override
  public List<RetrievedPassage> retrieve(
      String tenant, String query, int topK, List<String> sources, Filter filter) {
    RetrieveResponse response =
        call(
            "retrieval",
            s -> s.retrieve(RetrievalMapper.request(tenant, query, topK, sources, filter)));
    return response.getPassagesList().stream()
        .map(p -> RetrievalMapper.passage(p, response.getModelId()))
        .toList();
  }

  @Override
  public List<SourceSummary> sources(String tenant) {
    return call("source listing", s -> s.stats(StatsRequest.newBuilder().setTenant(tenant).build()))
        .getSourcesList()
        .stream()
        .map(RetrievalMapper::source)
        .toList();
  }

  @Override
  public List<RetrievedPassage> document(String tenant, String source, String documentId) {
    return call(
            "document read",
            s ->
                s.getDocument(
                    GetDocumentRequest.newBuilder()
                        .setTenant(tenant)
                        .setSource(source)
                        .setDocumentId(documentId)
                        .setLimit(maxDocumentPassages)
                        .build()))
        .getPassagesList()
        .stream()
        .map(RetrievalMapper::passage)
        .toList();
  }
}
