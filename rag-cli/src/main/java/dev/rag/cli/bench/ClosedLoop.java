package dev.rag.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A closed-loop load: {@code concurrency} clients share {@code requests} calls, back to back. */
final class ClosedLoop {

  /** What one call measured. */
  @FunctionalInterface
  interface Call<T> {
    T run(int index) throws Exception;
  }

  /** The calls' results (in completion order) and the wall time they took. */
  record Run<T>(List<T> results, double seconds) {}

  private ClosedLoop() {}

  static <T> Run<T> run(int concurrency, int requests, Call<T> call) throws Exception {
    List<T> results = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(
            pool.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < requests) {
                    results.add(call.run(i));
                  }
                  return null;
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
      return new Run<>(new ArrayList<>(results), (System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
