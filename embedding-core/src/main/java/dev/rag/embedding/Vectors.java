package dev.rag.embedding;

import java.nio.FloatBuffer;

/** From a model's output to the vectors callers get: pooled per input, L2-normalised. */
final class Vectors {

  private Vectors() {}

  /**
   * Row {@code row}'s vector from a model output: the output itself when the model pools (rank 2),
   * else the first token's (CLS) or the mean of the unmasked tokens' hidden states.
   */
  static float[] pool(
      Pooling pooling, FloatBuffer values, long[] shape, int row, int length, long[] mask) {
    if (shape.length == 2) {
      int hidden = (int) shape[1];
      float[] v = new float[hidden];
      values.get(row * hidden, v);
      return v;
    }
    int hidden = (int) shape[2];
    int base = row * length * hidden;
    float[] v = new float[hidden];
    if (pooling == Pooling.CLS) {
      values.get(base, v);
      return v;
    }
    int count = 0;
    for (int t = 0; t < length; t++) {
      if (mask[row * length + t] == 0) {
        continue;
      }
      count++;
      int offset = base + t * hidden;
      for (int h = 0; h < hidden; h++) {
        v[h] += values.get(offset + h);
      }
    }
    for (int h = 0; h < hidden; h++) {
      v[h] /= Math.max(1, count);
    }
    return v;
  }

  /** {@code v} scaled to unit length in place (a zero vector stays zero). */
  static float[] normalise(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (v[i] / norm);
      }
    }
    return v;
  }
}
