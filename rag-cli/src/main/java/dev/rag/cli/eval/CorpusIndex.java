package dev.rag.cli.eval;

import dev.rag.cli.ApiKey;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.SourceStats;
import dev.rag.proto.v1.StatsRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure a dataset's corpus is indexed: sends it through ingest-service's HTTP door unless
 * retrieve-service's {@code Stats} shows every source holding the expected documents already, then
 * waits until it does.
 */
final class CorpusIndex {

  private final RetrieveGrpc.RetrieveBlockingStub retrieve;
  private final String tenant;
  private final String ingestUrl;
  private final ApiKey apiKey;

  CorpusIndex(
      RetrieveGrpc.RetrieveBlockingStub retrieve, String tenant, String ingestUrl, ApiKey apiKey) {
    this.retrieve = retrieve;
    this.tenant = tenant;
    this.ingestUrl = ingestUrl;
    this.apiKey = apiKey;
  }

  /**
   * @param sourceOf the source of each corpus document
   * @param extra a text file indexed as the source {@code unrelated}, or null
   * @param reingest send the corpus even when it is indexed already
   */
  void ensureIndexed(BeirDataset data, Map<String, String> sourceOf, Path extra, boolean reingest)
      throws Exception {
    Map<String, Long> expected = new TreeMap<>();
    sourceOf.values().forEach(s -> expected.merge(s, 1L, Long::sum));
    if (extra != null) {
      expected.put("unrelated", 1L);
    }
    if (!reingest && indexedMatches(expected)) {
      System.err.println("Corpus already indexed; reusing it.");
      return;
    }
    List<Ingester.Upload> uploads = new ArrayList<>();
    for (BeirDataset.Doc d : data.corpus()) {
      // A document with a title alone (1,617 of CACM's) is sent as a text without a title:
      // ingest refuses a blank body, and the title twice would count its words twice.
      boolean titleOnly = d.text().isBlank();
      uploads.add(
          new Ingester.Upload(
              d.id(),
              sourceOf.get(d.id()),
              titleOnly ? "" : d.title(),
              titleOnly ? d.title() : d.text()));
    }
    if (extra != null) {
      uploads.add(
          new Ingester.Upload(
              extra.getFileName().toString(),
              "unrelated",
              extra.getFileName().toString(),
              Files.readString(extra, StandardCharsets.UTF_8)));
    }
    System.err.printf("Ingesting %d documents over %s%n", uploads.size(), ingestUrl);
    long start = System.nanoTime();
    List<String> failures = new Ingester(ingestUrl, apiKey).send(uploads, 8);
    if (!failures.isEmpty()) {
      System.err.printf("%d documents were refused, e.g. %s%n", failures.size(), failures.get(0));
    }
    long total = expected.values().stream().mapToLong(Long::longValue).sum() - failures.size();
    long lastCount = -1;
    long lastChange = System.nanoTime();
    long lastPrint = 0;
    while (true) {
      long indexed = indexedDocuments(expected.keySet());
      long now = System.nanoTime();
      if (indexed != lastCount) {
        lastCount = indexed;
        lastChange = now;
      }
      if (indexed >= total || now - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
        System.err.printf(
            "  indexed %d/%d documents (%.0f s)%n", indexed, total, (now - start) / 1e9);
        lastPrint = now;
      }
      if (indexed >= total) {
        break;
      }
      if (now - lastChange > TimeUnit.MINUTES.toNanos(5)) {
        throw new IllegalStateException(
            "indexing made no progress for 5 minutes; see the service logs");
      }
      Thread.sleep(1000);
    }
    System.err.printf("Indexed in %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  private boolean indexedMatches(Map<String, Long> expected) {
    Map<String, Long> actual = new TreeMap<>();
    for (SourceStats s : stats()) {
      if (expected.containsKey(s.getSource())) {
        actual.put(s.getSource(), s.getDocuments());
      }
    }
    return actual.equals(expected);
  }

  private long indexedDocuments(Set<String> sources) {
    return stats().stream()
        .filter(s -> sources.contains(s.getSource()))
        .mapToLong(SourceStats::getDocuments)
        .sum();
  }

  private List<SourceStats> stats() {
    return retrieve
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .stats(StatsRequest.newBuilder().setTenant(tenant).build())
        .getSourcesList();
  }
}
