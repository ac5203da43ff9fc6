package dev.rag.retrieve.model;

import java.util.Arrays;

/**
 * A sparse vector: term ids with weights, ids in increasing order.
 *
 * @param indices term ids (unsigned 32-bit values stored in ints)
 * @param values weight of each term
 */
public record SparseVector(int[] indices, float[] values) {

  /** Whether the vector has no terms (a text of stop words only, say). */
  public boolean isEmpty() {
    return indices.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseVector other
        && Arrays.equals(indices, other.indices)
        && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseVector" + Arrays.toString(indices) + Arrays.toString(values);
  }
}
