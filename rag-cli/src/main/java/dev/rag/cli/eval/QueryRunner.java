package dev.rag.cli.eval;

import dev.rag.cli.eval.EvalReport.Figures;
import dev.rag.proto.v1.EnsembleOptions;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.LexicalOptions;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.RerankOptions;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs every judged query of a dataset through gRPC Retrieve with one set of settings and scores
 * the rankings: nDCG@10, Recall@100 (over the first 100 distinct documents), MRR@10, latency; and,
 * for a search beyond the collection's own sources, how many of the first 10 documents are other
 * collections' and the nDCG@10 of the collection's own documents in the order they came.
 */
final class QueryRunner {

  private final RetrieveGrpc.RetrieveBlockingStub retrieve;
  private final String tenant;
  private final int topK;
  private final int maxQueries;
  private final Set<String> own;
  private final EnsembleOptions ensemble;

  /**
   * @param own the collection's sources: documents of any other source are never relevant
   * @param topK passages asked per query
   * @param maxQueries evaluate only the first this many queries (0: all)
   */
  QueryRunner(
      RetrieveGrpc.RetrieveBlockingStub retrieve,
      String tenant,
      Set<String> own,
      int topK,
      int maxQueries) {
    this(retrieve, tenant, own, topK, maxQueries, null);
  }

  private QueryRunner(
      RetrieveGrpc.RetrieveBlockingStub retrieve,
      String tenant,
      Set<String> own,
      int topK,
      int maxQueries,
      EnsembleOptions ensemble) {
    this.retrieve = retrieve;
    this.tenant = tenant;
    this.own = Set.copyOf(own);
    this.topK = topK;
    this.maxQueries = maxQueries;
    this.ensemble = ensemble;
  }

  /** This runner with every request asking these dense-ensemble settings (null: the service's). */
  QueryRunner withEnsemble(EnsembleOptions settings) {
    return new QueryRunner(retrieve, tenant, own, topK, maxQueries, settings);
  }

  /** The figures of one mode with the service's lexical settings. */
  Figures run(
      BeirDataset data,
      List<String> sources,
      RetrievalMode mode,
      String label,
      HybridOptions hybrid,
      RerankOptions rerank) {
    return run(data, sources, mode, label, hybrid, rerank, null);
  }

  /**
   * The figures of one mode; {@code hybrid}, {@code rerank} and {@code lexical} may be null (the
   * service's).
   */
  Figures run(
      BeirDataset data,
      List<String> sources,
      RetrievalMode mode,
      String label,
      HybridOptions hybrid,
      RerankOptions rerank,
      LexicalOptions lexical) {
    double ndcg = 0;
    double recall = 0;
    double mrr = 0;
    double ownNdcg = 0;
    double foreign = 0;
    Map<String, Double> byQuery = new LinkedHashMap<>();
    Map<String, Double> foreignBySource = new TreeMap<>();
    List<Double> latencies = new ArrayList<>();
    int n = 0;
    for (var q : data.queries().entrySet()) {
      if (maxQueries > 0 && n >= maxQueries) {
        break;
      }
      RetrieveRequest.Builder request =
          RetrieveRequest.newBuilder()
              .setTenant(tenant)
              .setQuery(q.getValue())
              .setTopK(topK)
              .setMode(mode)
              .addAllSources(sources);
      if (hybrid != null) {
        request.setHybrid(hybrid);
      }
      if (rerank != null) {
        request.setRerank(rerank);
      }
      if (lexical != null) {
        request.setLexical(lexical);
      }
      if (ensemble != null) {
        request.setEnsemble(ensemble);
      }
      long start = System.nanoTime();
      List<Passage> passages =
          retrieve
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .retrieve(request.build())
              .getPassagesList();
      latencies.add((System.nanoTime() - start) / 1e6);
      List<String> ranking =
          Metrics.documents(
              passages.stream()
                  .map(p -> new Metrics.Hit(p.getSource(), p.getDocumentId()))
                  .toList(),
              own);
      Map<String, Integer> relevant = data.qrels().get(q.getKey());
      double queryNdcg = Metrics.ndcg(ranking, relevant, 10);
      byQuery.put(q.getKey(), queryNdcg);
      ndcg += queryNdcg;
      recall += Metrics.recall(ranking, relevant, 100);
      mrr += Metrics.mrr(ranking, relevant, 10);
      ownNdcg += Metrics.ndcg(Metrics.own(ranking), relevant, 10);
      foreign += Metrics.foreignShare(ranking, 10);
      List<String> first = ranking.subList(0, Math.min(10, ranking.size()));
      for (String d : first) {
        if (Metrics.foreign(d)) {
          foreignBySource.merge(Metrics.foreignSource(d), 1.0 / first.size(), Double::sum);
        }
      }
      n++;
    }
    return new Figures(
        label,
        ndcg / n,
        recall / n,
        mrr / n,
        Metrics.percentile(latencies, 50),
        Metrics.percentile(latencies, 95),
        n,
        ownNdcg / n,
        foreign / n,
        divided(foreignBySource, n),
        byQuery);
  }

  private static Map<String, Double> divided(Map<String, Double> sums, int n) {
    Map<String, Double> means = new TreeMap<>();
    sums.forEach((k, v) -> means.put(k, v / n));
    return means;
  }
}
