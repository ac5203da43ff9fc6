package dev.rag.cli.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.rag.cli.eval.BeirDataset;
import dev.rag.cli.eval.Metrics;
import dev.rag.common.Topics;
import dev.rag.embedding.Device;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelSpec;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import dev.rag.pipeline.KafkaClients;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbedGrpc;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.proto.v1.InputKind;
import io.quarkus.grpc.GrpcClient;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rag bench embed}: (a) the model's raw throughput in this process at several batch
 * settings, or with {@code --remote} an OpenAI-compatible server's, called directly as
 * embed-service's remote backend calls it (batches and requests in flight alike), (b) throughput
 * through embed-service (chunk events in on rag.chunks.v1, embedding events out on
 * rag.embeddings.v1) on the same passages, the ratio b/a, and (c) gRPC Embed latency for single
 * queries.
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description =
        "Embedding throughput in process and through embed-service, and gRPC Embed latency.")
public class EmbedBench implements Callable<Integer> {

  @Mixin DatasetOptions dataset;

  @Option(
      names = "--model",
      defaultValue = "bge-small-en-v1.5-int8",
      description = "the model embed-service runs (default: ${DEFAULT-VALUE})")
  String model;

  @Option(
      names = "--passages",
      defaultValue = "1000",
      description = "passages embedded (default: ${DEFAULT-VALUE})")
  int passages;

  @Option(
      names = "--requests",
      defaultValue = "300",
      description = "gRPC Embed calls measured, one query each (default: ${DEFAULT-VALUE})")
  int requests;

  @Option(
      names = "--remote",
      description =
          "an OpenAI-compatible embeddings server (its /v1 URL) to call directly for (a), the one"
              + " embed-service's remote backend uses; --model is then embed-service's model id")
  String remote;

  @Option(
      names = "--remote-model",
      description = "the model name sent to --remote (default: --model)")
  String remoteModel;

  @Option(names = "--remote-key", description = "bearer key for --remote")
  String remoteKey;

  @Option(
      names = "--remote-batch",
      defaultValue = "32",
      description =
          "texts per request to --remote, as embed.remote.batch-size (default: ${DEFAULT-VALUE})")
  int remoteBatch;

  @Option(
      names = "--remote-concurrency",
      defaultValue = "4",
      description =
          "requests in flight to --remote, as embed.remote.concurrency (default: ${DEFAULT-VALUE})")
  int remoteConcurrency;

  @Inject KafkaClients kafka;

  @GrpcClient("embed")
  EmbedGrpc.EmbedBlockingStub embed;

  @Override
  public Integer call() throws Exception {
    run(dataset.load(), model, passages, requests);
    return 0;
  }

  private void run(BeirDataset data, String modelId, int passages, int queries) throws Exception {
    List<String> texts = new ArrayList<>();
    for (BeirDataset.Doc d : data.corpus()) {
      if (texts.size() == passages) {
        break;
      }
      texts.add(d.title().isEmpty() ? d.text() : d.title() + "\n\n" + d.text());
    }
    int threads = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "embed benchmark: %s, %d SciFact passages (title + abstract), %d CPU threads%n",
        modelId, texts.size(), threads);
    double best;
    String bestSetting;
    if (remote != null) {
      // (a) the server, called directly.
      best = direct(texts);
      bestSetting =
          "direct to "
              + remote
              + ", batches of "
              + remoteBatch
              + ", "
              + remoteConcurrency
              + " at once";
      System.out.printf(Locale.ROOT, "%-34s %10.1f%n", "direct to the server (a)", best);
    } else {
      Best inProcess = inProcess(ModelCatalog.get(modelId), texts, threads);
      bestSetting = inProcess.label();
      best = inProcess.rate();
    }
    // (b) through the service.
    double service = throughService(texts);
    System.out.printf(Locale.ROOT, "%-34s %10.1f%n", "through embed-service (b)", service);
    System.out.printf(
        Locale.ROOT, "best %s: %s%n", remote == null ? "in-process" : "direct", bestSetting);
    System.out.printf(Locale.ROOT, "ratio: %.2f%n", service / best);

    // (c) single-query latency over gRPC.
    List<String> qs = new ArrayList<>(data.queries().values());
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < queries + 20; i++) {
      long start = System.nanoTime();
      embed
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .embed(
              EmbedRequest.newBuilder()
                  .addTexts(qs.get(i % qs.size()))
                  .setKind(InputKind.INPUT_KIND_QUERY)
                  .build());
      if (i >= 20) {
        latencies.add((System.nanoTime() - start) / 1e6);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "gRPC Embed, one query: p50 %.1f ms, p95 %.1f ms (%d calls)%n",
        Metrics.percentile(latencies, 50),
        Metrics.percentile(latencies, 95),
        latencies.size());
  }

  /** A setting and the chunks per second it reached. */
  private record Best(String label, double rate) {}

  /** The fastest in-process setting, after printing each. */
  private static Best inProcess(ModelSpec spec, List<String> texts, int threads) {
    double best = 0;
    String bestSetting = "";
    System.out.printf("%-34s %10s%n", "in-process (a)", "chunks/s");
    // {batch size, token budget, intra-op threads, parallel batches}
    for (int[] setting :
        new int[][] {
          {1, 512, threads, 1},
          {1, 512, 1, threads},
          {4, 4096, 1, threads},
          {8, 8192, 1, threads},
          {16, 8192, threads, 1},
          {64, 16384, threads, 1}
        }) {
      try (OnnxEmbedder model =
          OnnxEmbedder.load(
              spec,
              new OnnxEmbedder.Options(
                  Device.CPU, setting[2], setting[1], setting[0], null, setting[3]))) {
        model.embed(texts.subList(0, Math.min(64, texts.size())), TextKind.PASSAGE);
        long start = System.nanoTime();
        model.embed(texts, TextKind.PASSAGE);
        double measured = texts.size() / ((System.nanoTime() - start) / 1e9);
        String label =
            "batch " + setting[0] + "/" + setting[1] + "t, " + setting[2] + " thr x " + setting[3];
        System.out.printf(Locale.ROOT, "%-34s %10.1f%n", label, measured);
        if (measured > best) {
          best = measured;
          bestSetting = label;
        }
      }
    }
    return new Best(bestSetting, best);
  }

  /** Texts per second from the server, in batches, so many requests at once, as embed-service. */
  private double direct(List<String> texts) throws Exception {
    OpenAiEmbeddingModel client =
        OpenAiEmbeddingModel.builder()
            .baseUrl(remote)
            .apiKey(remoteKey == null ? "none" : remoteKey)
            .modelName(remoteModel == null ? model : remoteModel)
            .timeout(Duration.ofSeconds(60))
            .maxRetries(0)
            .build();
    List<List<TextSegment>> batches = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += remoteBatch) {
      batches.add(
          texts.subList(from, Math.min(texts.size(), from + remoteBatch)).stream()
              .map(TextSegment::from)
              .toList());
    }
    ExecutorService requests = Executors.newFixedThreadPool(remoteConcurrency);
    try {
      client.embedAll(batches.get(0)); // warm-up
      long start = System.nanoTime();
      List<Future<?>> sent = new ArrayList<>();
      for (List<TextSegment> batch : batches) {
        sent.add(requests.submit(() -> client.embedAll(batch)));
      }
      for (Future<?> f : sent) {
        f.get();
      }
      return texts.size() / ((System.nanoTime() - start) / 1e9);
    } finally {
      requests.shutdownNow();
    }
  }

  /** Chunks per second from the first event sent to the last embedding received. */
  private double throughService(List<String> texts) throws Exception {
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<ChunksEvent> events = new ArrayList<>();
    for (int start = 0, doc = 0; start < texts.size(); start += 16, doc++) {
      ChunksEvent.Builder e =
          ChunksEvent.newBuilder()
              .setHeader(
                  DocumentHeader.newBuilder()
                      .setTenant("bench")
                      .setSource(run)
                      .setDocumentId("d" + doc)
                      .setVersion("v1"))
              .setPartCount(1);
      for (int i = start; i < Math.min(texts.size(), start + 16); i++) {
        e.addChunks(Chunk.newBuilder().setIndex(i - start).setText(texts.get(i)));
      }
      events.add(e.setTotalChunks(e.getChunksCount()).build());
    }
    try (KafkaConsumer<String, byte[]> consumer =
            kafka.consumer(
                Map.of("allow.auto.create.topics", false),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        KafkaProducer<String, byte[]> producer =
            kafka.producer(
                Map.of("max.request.size", Topics.MAX_MESSAGE_BYTES),
                new StringSerializer(),
                new ByteArraySerializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.EMBEDDINGS, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(Topics.EMBEDDINGS, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      long start = System.nanoTime();
      for (ChunksEvent e : events) {
        var h = e.getHeader();
        producer.send(
            new ProducerRecord<>(
                Topics.CHUNKS,
                Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
                e.toByteArray()));
      }
      producer.flush();
      int received = 0;
      Set<String> seen = new HashSet<>();
      long last = start;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
      while (received < texts.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          EmbeddingsEvent out = EmbeddingsEvent.parseFrom(r.value());
          if (out.getHeader().getSource().equals(run) && seen.add(r.key())) {
            received += out.getChunksCount();
            last = System.nanoTime();
          }
        }
      }
      double rate = received / ((last - start) / 1e9);
      // Leave nothing behind: delete the benchmark's documents from the index.
      for (ChunksEvent e : events) {
        var h = e.getHeader();
        producer.send(
            new ProducerRecord<>(
                Topics.CHUNKS,
                Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
                ChunksEvent.newBuilder()
                    .setHeader(h)
                    .setDeleted(true)
                    .setPartCount(1)
                    .build()
                    .toByteArray()));
      }
      producer.flush();
      if (received < texts.size()) {
        throw new IllegalStateException(
            "only " + received + " of " + texts.size() + " chunks came back");
      }
      return rate;
    }
  }
}
