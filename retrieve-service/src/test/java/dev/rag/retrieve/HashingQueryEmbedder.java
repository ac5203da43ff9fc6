package dev.rag.retrieve;

import io.grpc.Context;
import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for embed-service inside this module's tests: a bag-of-words hashing embedder, so that
 * a query shares a direction with the passages that contain its words. The real embed-service is
 * exercised by the end-to-end tests.
 */
@Mock
@ApplicationScoped
public class HashingQueryEmbedder implements QueryEmbedder {

  static final String MODEL = "test-hashing-256";
  static final int DIMENSION = 256;

  @Override
  public String currentModel() {
    return MODEL;
  }

  /** Queries containing this wait in embedding until their caller cancels them. */
  static final String HOLD = "hold-until-cancelled";

  private static final CountDownLatch holding = new CountDownLatch(1);
  private static final CountDownLatch sawCancellation = new CountDownLatch(1);

  /** Waits until a {@link #HOLD} query is being embedded. */
  static boolean awaitHolding() throws InterruptedException {
    return holding.await(30, TimeUnit.SECONDS);
  }

  /** Waits until a held query's embedding saw its call cancelled. */
  static boolean awaitSawCancellation() throws InterruptedException {
    return sawCancellation.await(30, TimeUnit.SECONDS);
  }

  @Override
  public QueryVector embedQuery(String query) {
    if (query.contains(HOLD)) {
      CountDownLatch cancelled = new CountDownLatch(1);
      Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
      holding.countDown();
      try {
        // Bounded, so a failing test cannot hold a worker thread for good.
        if (cancelled.await(30, TimeUnit.SECONDS)) {
          sawCancellation.countDown();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return new QueryVector(MODEL, vector(query));
  }

  static float[] vector(String text) {
    float[] v = new float[DIMENSION];
    for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (word.length() > 2) {
        v[Math.floorMod(word.hashCode(), DIMENSION)] += 1;
      }
    }
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm == 0) {
      v[0] = 1;
      return v;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
