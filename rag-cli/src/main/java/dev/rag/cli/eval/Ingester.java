package dev.rag.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.cli.ApiKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** Sends documents to ingest-service's HTTP door, a few at a time. */
final class Ingester {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final ApiKey apiKey;

  Ingester(String ingestUrl, ApiKey apiKey) {
    this.apiKey = apiKey;
    this.endpoint = URI.create(ingestUrl.replaceAll("/+$", "") + "/v1/documents");
  }

  /** A document to send. */
  record Upload(String id, String source, String title, String text) {}

  /**
   * Sends every document; returns the failures (id and reason). Prints progress to stderr.
   *
   * @param concurrency most requests in flight
   */
  List<String> send(List<Upload> uploads, int concurrency) throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (Upload u : uploads) {
      inFlight.acquire();
      HttpRequest request;
      try {
        request =
            apiKey
                .request(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(
                            Map.of(
                                "id",
                                u.id(),
                                "source",
                                u.source(),
                                "title",
                                u.title(),
                                "text",
                                u.text()))))
                .build();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      all.add(
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    inFlight.release();
                    if (error != null) {
                      failures.add(u.id() + ": " + error.getMessage());
                    } else if (response.statusCode() != 202) {
                      failures.add(
                          u.id() + ": HTTP " + response.statusCode() + " " + response.body());
                    }
                    int n = done.incrementAndGet();
                    if (n % 500 == 0 || n == uploads.size()) {
                      System.err.printf("  sent %d/%d documents%n", n, uploads.size());
                    }
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    return failures;
  }
}
