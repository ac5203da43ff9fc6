package dev.rag.cli.eval;

import dev.rag.cli.ApiKey;
import dev.rag.cli.config.CliConfig;
import dev.rag.cli.eval.EvalReport.Figures;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.RerankOptions;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.RetrieveGrpc;
import io.quarkus.grpc.GrpcClient;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Measures retrieval on a BEIR-layout dataset through the real pipeline: the corpus goes in over
 * ingest-service's HTTP door (skipped when it is already indexed), every judged query of the split
 * goes through gRPC Retrieve in each requested mode, and nDCG@10, Recall@100, MRR@10 and latency
 * are printed side by side and written to a JSON report.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate retrieval on a BEIR-layout directory.")
public class EvalCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      description = "BEIR-layout directory (corpus.jsonl, queries.jsonl, qrels/)")
  Path dir;

  @Option(
      names = "--split",
      defaultValue = "test",
      description = "qrels split (default: ${DEFAULT-VALUE})")
  String split;

  @Option(
      names = "--modes",
      split = ",",
      defaultValue = "dense,sparse,hybrid,full",
      description = "modes to compare (default: ${DEFAULT-VALUE})")
  List<String> modes;

  @Option(
      names = "--source",
      description = "source name for the corpus (default: the directory name)")
  String source;

  @Option(
      names = "--split-sources",
      defaultValue = "1",
      description = "spread the corpus over this many sources at random (seeded)")
  int splitSources;

  @Option(
      names = "--search-all",
      description =
          "ask the queries over every source of the tenant, not only the corpus's own (other"
              + " collections indexed beside it compete for the top places)")
  boolean searchAll;

  @Option(names = "--extra", description = "a text file ingested as an extra, unrelated source")
  Path extra;

  @Option(
      names = "--top-k",
      defaultValue = "200",
      description = "passages asked per query (default: ${DEFAULT-VALUE})")
  int topK;

  @Option(names = "--fusion", description = "fusion override: min-max, rrf or dbsf")
  String fusion;

  @Option(names = "--dense-weight", description = "dense weight override in [0, 1]")
  Double denseWeight;

  @Option(names = "--depth", defaultValue = "0", description = "candidates per signal override")
  int depth;

  @Option(names = "--grid", description = "also compare hybrid fusion methods and dense weights")
  boolean grid;

  @Option(names = "--rerank-grid", description = "also compare reranker weights (full mode)")
  boolean rerankGrid;

  @Option(
      names = "--statistics",
      description =
          "whose passages weigh lexical terms: tenant (all of the tenant's) or searched (the"
              + " sources searched)")
  String statistics;

  @Option(
      names = "--feedback",
      description =
          "lexical pseudo-relevance feedback: off, or passages,terms,query-weight (e.g. 10,10,0.5)")
  String feedback;

  @Option(
      names = "--lexical-grid",
      description =
          "also compare lexical statistics (tenant, searched) and feedback settings (sparse,"
              + " hybrid and full modes)")
  boolean lexicalGrid;

  @Option(
      names = "--ensemble",
      description =
          "dense ensemble (when retrieve-service has a second model): off, or the second model's"
              + " weight in [0, 1]")
  String ensemble;

  @Option(
      names = "--ensemble-grid",
      description =
          "also compare the dense ensemble off and at weights 0.3, 0.5, 0.7 (dense, hybrid, full)")
  boolean ensembleGrid;

  @Option(
      names = "--complete-scores",
      arity = "1",
      description =
          "score completion override (true or false): a candidate one signal found is scored by"
              + " the other too")
  Boolean completeScores;

  @Option(names = "--context-weight", description = "reranker document-context weight override")
  Double contextWeight;

  @Option(names = "--proximity-weight", description = "reranker term-proximity weight override")
  Double proximityWeight;

  @Option(names = "--no-rerank", description = "turn the reranking stage off")
  boolean noRerank;

  @Option(
      names = "--max-queries",
      defaultValue = "0",
      description = "evaluate only the first N queries")
  int maxQueries;

  @Option(names = "--reingest", description = "send the corpus even when it is already indexed")
  boolean reingest;

  @Option(
      names = "--ingest-url",
      description = "ingest-service's base URL (default: rag.ingest-url, http://127.0.0.1:8081)")
  String ingestUrl;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(
      names = "--report",
      description =
          "where to write the JSON report (default: $RAG_HOME/eval/<name>-<split>.json, RAG_HOME"
              + " being .rag when unset)")
  Path report;

  @GrpcClient("retrieve")
  RetrieveGrpc.RetrieveBlockingStub retrieve;

  @Inject CliConfig config;

  @Inject ApiKey apiKey;

  @Override
  public Integer call() throws Exception {
    BeirDataset data = BeirDataset.load(dir, split);
    String base =
        source != null
            ? source
            : data.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    Map<String, String> sourceOf = assignSources(data, base);
    List<String> sources = new ArrayList<>(new TreeSet<>(sourceOf.values()));
    if (extra != null) {
      sources.add("unrelated");
    }
    System.err.printf(
        "%s: %d documents, %d judged queries in '%s', sources %s%n",
        data.name(), data.corpus().size(), data.queries().size(), split, sources);

    new CorpusIndex(retrieve, tenant, ingestUrl != null ? ingestUrl : config.ingestUrl(), apiKey)
        .ensureIndexed(data, sourceOf, extra, reingest);

    QueryRunner queries =
        new QueryRunner(retrieve, tenant, new TreeSet<>(sourceOf.values()), topK, maxQueries)
            .withEnsemble(RetrievalOptions.ensembleOptions(ensemble));
    // The sources each query names: none searches all of the tenant's.
    List<String> searched = searchAll ? List.of() : sources;
    List<Figures> results = new ArrayList<>();
    EvalReport.printHeader();
    for (String m : modes) {
      Figures f =
          queries.run(
              data,
              searched,
              RetrievalOptions.mode(m),
              m,
              hybridOptions(fusion, denseWeight),
              rerankOptions(contextWeight, proximityWeight),
              RetrievalOptions.lexicalOptions(statistics, feedback));
      results.add(f);
      EvalReport.print(f);
    }
    if (lexicalGrid) {
      List<String[]> settings = new ArrayList<>();
      settings.add(new String[] {"tenant", "off"});
      settings.add(new String[] {"searched", "off"});
      for (String fb : List.of("3,10,0.5", "5,10,0.5", "10,10,0.5", "10,20,0.5", "10,10,0.7")) {
        settings.add(new String[] {"searched", fb});
      }
      for (String[] setting : settings) {
        for (String m : List.of("sparse", "hybrid", "full")) {
          String label = String.format(Locale.ROOT, "%s stats=%s fb=%s", m, setting[0], setting[1]);
          Figures f =
              queries.run(
                  data,
                  searched,
                  RetrievalOptions.mode(m),
                  label,
                  hybridOptions(fusion, denseWeight),
                  rerankOptions(contextWeight, proximityWeight),
                  RetrievalOptions.lexicalOptions(setting[0], setting[1]));
          results.add(f);
          EvalReport.print(f);
        }
      }
    }
    if (ensembleGrid) {
      for (String setting : List.of("off", "0.3", "0.5", "0.7")) {
        QueryRunner runner = queries.withEnsemble(RetrievalOptions.ensembleOptions(setting));
        for (String m : List.of("dense", "hybrid", "full")) {
          Figures f =
              runner.run(
                  data,
                  searched,
                  RetrievalOptions.mode(m),
                  m + " ensemble=" + setting,
                  hybridOptions(fusion, denseWeight),
                  rerankOptions(contextWeight, proximityWeight),
                  RetrievalOptions.lexicalOptions(statistics, feedback));
          results.add(f);
          EvalReport.print(f);
        }
      }
    }
    if (rerankGrid) {
      Figures off =
          queries.run(
              data,
              searched,
              RetrievalMode.RETRIEVAL_MODE_FULL,
              "full, no rerank",
              hybridOptions(fusion, denseWeight),
              RerankOptions.newBuilder().setDisabled(true).build());
      results.add(off);
      EvalReport.print(off);
      for (double c : new double[] {0, 0.1, 0.2, 0.3}) {
        for (double p : new double[] {0, 0.05, 0.1, 0.2}) {
          String label = String.format(Locale.ROOT, "full ctx=%.2f prox=%.2f", c, p);
          Figures f =
              queries.run(
                  data,
                  searched,
                  RetrievalMode.RETRIEVAL_MODE_FULL,
                  label,
                  hybridOptions(fusion, denseWeight),
                  rerankOptions(c, p),
                  RetrievalOptions.lexicalOptions(statistics, feedback));
          results.add(f);
          EvalReport.print(f);
        }
      }
    }
    if (grid) {
      for (String method : List.of("min-max", "dbsf", "rrf")) {
        for (double w : new double[] {0.3, 0.4, 0.5, 0.6, 0.7, 0.8}) {
          String label = String.format(Locale.ROOT, "hybrid %s w=%.1f", method, w);
          Figures f =
              queries.run(
                  data,
                  searched,
                  RetrievalMode.RETRIEVAL_MODE_HYBRID,
                  label,
                  hybridOptions(method, w),
                  null,
                  RetrievalOptions.lexicalOptions(statistics, feedback));
          results.add(f);
          EvalReport.print(f);
        }
      }
    }
    Path file =
        report != null
            ? report
            : Path.of(config.home(), "eval", data.name() + "-" + split + ".json");
    EvalReport.write(
        file,
        data,
        split,
        searchAll ? List.of("(every source of the tenant)") : sources,
        topK,
        results);
    return 0;
  }

  private Map<String, String> assignSources(BeirDataset data, String base) {
    Map<String, String> sourceOf = new LinkedHashMap<>();
    Random random = new Random(20261128L);
    for (BeirDataset.Doc d : data.corpus()) {
      sourceOf.put(
          d.id(), splitSources <= 1 ? base : base + "-" + (1 + random.nextInt(splitSources)));
    }
    return sourceOf;
  }

  private RerankOptions rerankOptions(Double context, Double proximity) {
    if (noRerank) {
      return RerankOptions.newBuilder().setDisabled(true).build();
    }
    if (context == null && proximity == null) {
      return null;
    }
    RerankOptions.Builder b = RerankOptions.newBuilder();
    if (context != null) {
      b.setContextWeight(context);
    }
    if (proximity != null) {
      b.setProximityWeight(proximity);
    }
    return b.build();
  }

  /**
   * Fusion settings with {@code --depth} and {@code --complete-scores} applied; null (the
   * service's) when none is set.
   */
  private HybridOptions hybridOptions(String method, Double weight) {
    return RetrievalOptions.hybridOptions(
        RetrievalOptions.hybridOptions(method, weight), depth, completeScores);
  }
}
