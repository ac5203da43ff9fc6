package dev.rag.generate.client;

import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievalUnavailableException;
import dev.rag.generate.RetrievedPassage;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.StatsRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;

/** Retrieves passages through retrieve-service's gRPC Retrieve, with a deadline. */
@ApplicationScoped
public class RetrieveClient implements PassageRetriever {

  private static final Duration DEADLINE = Duration.ofSeconds(15);

  private final Retrieve retrieve;

  RetrieveClient(@GrpcClient("retrieve") Retrieve retrieve) {
    this.retrieve = retrieve;
  }

  @Override
  public List<RetrievedPassage> retrieve(
      String tenant, String query, int topK, List<String> sources) {
    try {
      return retrieve
          .retrieve(
              RetrieveRequest.newBuilder()
                  .setTenant(tenant)
                  .setQuery(query)
                  .setTopK(topK)
                  .addAllSources(sources)
                  .build())
          .await()
          .atMost(DEADLINE)
          .getPassagesList()
          .stream()
          .map(RetrieveClient::toPassage)
          .toList();
    } catch (StatusRuntimeException e) {
      throw new RetrievalUnavailableException("retrieval failed: " + e.getStatus(), e);
    } catch (io.smallrye.mutiny.TimeoutException e) {
      throw new RetrievalUnavailableException("retrieval did not answer within " + DEADLINE, e);
    }
  }

  @Override
  public List<SourceSummary> sources(String tenant) {
    try {
      return retrieve
          .stats(StatsRequest.newBuilder().setTenant(tenant).build())
          .await()
          .atMost(DEADLINE)
          .getSourcesList()
          .stream()
          .map(s -> new SourceSummary(s.getSource(), s.getDocuments(), s.getPassages()))
          .toList();
    } catch (StatusRuntimeException e) {
      throw new RetrievalUnavailableException("source listing failed: " + e.getStatus(), e);
    } catch (io.smallrye.mutiny.TimeoutException e) {
      throw new RetrievalUnavailableException("sources not listed within " + DEADLINE, e);
    }
  }

  private static RetrievedPassage toPassage(Passage p) {
    return new RetrievedPassage(
        p.getSource(),
        p.getDocumentId(),
        p.getTitle(),
        p.getSection(),
        p.getChunkIndex(),
        p.getText(),
        p.getScores().getFinal(),
        p.getPageStart(),
        p.getPageEnd());
  }
}
