package dev.rag.cli;

import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveRequest;
import io.quarkus.grpc.GrpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Benchmarks: figures printed, never asserted. {@code retrieve} measures gRPC Retrieve latency on
 * loopback with a dataset's queries, at each requested concurrency, after a warm-up.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = ParseBench.class,
    description = "Benchmark a running service.")
public class BenchCommand implements Callable<Integer> {

  // Optional here only so that picocli lets `bench parse` (a subcommand) through.
  @Parameters(
      index = "0",
      arity = "0..1",
      description = "what to benchmark: retrieve, embed or chat (or the parse subcommand)")
  String target;

  @Option(
      names = "--model",
      defaultValue = "bge-small-en-v1.5-int8",
      description = "embed: the model embed-service runs")
  String model;

  @Option(names = "--passages", defaultValue = "1000", description = "embed: passages embedded")
  int passages;

  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "rag.kafka.bootstrap")
  String kafkaBootstrap;

  @GrpcClient("embed")
  dev.rag.proto.v1.EmbedGrpc.EmbedBlockingStub embed;

  @Option(names = "--dir", description = "BEIR-layout directory whose queries are used (required)")
  Path dir;

  @Option(names = "--split", defaultValue = "test")
  String split;

  @Option(
      names = "--mode",
      defaultValue = "full",
      description = "retrieval mode (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--concurrency", split = ",", defaultValue = "1,8")
  List<Integer> concurrency;

  @Option(
      names = "--requests",
      defaultValue = "300",
      description = "measured requests per concurrency level")
  int requests;

  @Option(names = "--top-k", defaultValue = "10")
  int topK;

  @Option(
      names = "--warmup",
      defaultValue = "300",
      description =
          "retrieve: calls made before measuring, so that neither this client nor the service is"
              + " measured before its code is compiled; with another split's queries when the"
              + " folder has one, so no measured query was asked before (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--tenant", defaultValue = "default")
  String tenant;

  @Option(names = "--source", description = "sources to search (default: all)")
  List<String> sources;

  @GrpcClient("retrieve")
  RetrieveGrpc.RetrieveBlockingStub retrieve;

  @Option(
      names = "--chat-url",
      defaultValue = "${env:RAG_CHAT_URL:-http://127.0.0.1:8080}",
      description = "chat: the chat service's base URL")
  String chatUrl;

  @Option(
      names = "--chat-top-k",
      defaultValue = "5",
      description = "chat: passages given to the answerer")
  int chatTopK;

  @Override
  public Integer call() throws Exception {
    if (target == null || dir == null) {
      System.err.println(
          "usage: bench retrieve|embed|chat --dir DIR [options], or bench parse (see --help)");
      return 2;
    }
    if ("embed".equals(target)) {
      new EmbedBench(kafkaBootstrap, embed)
          .run(BeirDataset.load(dir, split), model, passages, requests);
      return 0;
    }
    if ("chat".equals(target)) {
      new ChatBench(chatUrl, sources, chatTopK).run(dir, split, concurrency, requests);
      return 0;
    }
    if (!"retrieve".equals(target)) {
      System.err.println("unknown benchmark '" + target + "': use retrieve, embed or chat");
      return 2;
    }
    List<String> queries = new ArrayList<>(BeirDataset.load(dir, split).queries().values());
    System.out.printf(
        "retrieve benchmark: mode %s, top_k %d, %d queries%n", mode, topK, queries.size());
    List<String> warmupQueries = queries;
    String other = "train".equals(split) ? "test" : "train";
    if (Files.isRegularFile(dir.resolve("qrels").resolve(other + ".tsv"))) {
      warmupQueries = new ArrayList<>(BeirDataset.load(dir, other).queries().values());
    }
    for (int i = 0; i < warmup; i++) {
      call(warmupQueries.get(i % warmupQueries.size()));
    }
    System.out.printf(
        "%-12s %8s %8s %8s %10s%n", "concurrency", "p50 ms", "p95 ms", "p99 ms", "req/s");
    for (int c : concurrency) {
      ClosedLoop.Run<Double> run =
          ClosedLoop.run(
              c,
              requests,
              i -> {
                long t = System.nanoTime();
                call(queries.get(i % queries.size()));
                return (System.nanoTime() - t) / 1e6;
              });
      List<Double> latencies = run.results();
      double seconds = run.seconds();
      System.out.printf(
          Locale.ROOT,
          "%-12d %8.1f %8.1f %8.1f %10.1f%n",
          c,
          Metrics.percentile(latencies, 50),
          Metrics.percentile(latencies, 95),
          Metrics.percentile(latencies, 99),
          requests / seconds);
    }
    return 0;
  }

  private void call(String query) {
    retrieve
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .retrieve(
            RetrieveRequest.newBuilder()
                .setTenant(tenant)
                .setQuery(query)
                .setTopK(topK)
                .setMode(EvalCommand.mode(mode))
                .addAllSources(sources == null ? List.of() : sources)
                .build());
  }
}
