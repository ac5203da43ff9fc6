package dev.rag.retrieve;

import dev.rag.retrieve.config.RetrieveConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Answering a query with the tenant's most relevant passages. */
@ApplicationScoped
public class RetrieveService {

  private final QueryEmbedder embedder;
  private final PassageRepository repository;
  private final RetrieveConfig config;

  RetrieveService(QueryEmbedder embedder, PassageRepository repository, RetrieveConfig config) {
    this.embedder = embedder;
    this.repository = repository;
    this.config = config;
  }

  /** The result of a query. */
  public record Result(String modelId, List<Passage> passages) {}

  /**
   * @throws InvalidQueryException when the query breaks the contract
   * @throws DependencyUnavailableException when embed-service or Qdrant cannot answer
   */
  public Result retrieve(RetrievalQuery query) {
    if (query.tenant() == null || query.tenant().isBlank()) {
      throw new InvalidQueryException("tenant", "tenant is required");
    }
    String text = query.text() == null ? "" : query.text().strip();
    if (text.isEmpty()) {
      throw new InvalidQueryException("query", "query must not be blank");
    }
    if (text.length() > config.limits().maxQueryChars()) {
      throw new InvalidQueryException(
          "query", "query is longer than " + config.limits().maxQueryChars() + " characters");
    }
    int topK = query.topK() == 0 ? config.defaultTopK() : query.topK();
    if (topK < 1 || topK > config.limits().maxTopK()) {
      throw new InvalidQueryException(
          "top_k", "top_k must be between 1 and " + config.limits().maxTopK());
    }
    QueryEmbedder.QueryVector vector = embedder.embedQuery(text);
    List<Passage> passages =
        repository.searchDense(
            query.tenant(), query.sources(), vector.modelId(), vector.vector(), topK);
    return new Result(vector.modelId(), passages);
  }
}
