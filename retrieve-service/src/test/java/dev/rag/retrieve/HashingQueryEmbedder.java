package dev.rag.retrieve;

import io.quarkus.test.Mock;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

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

  @Override
  public QueryVector embedQuery(String query) {
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
