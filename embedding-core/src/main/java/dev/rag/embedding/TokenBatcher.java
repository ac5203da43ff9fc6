package dev.rag.embedding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Groups inputs of similar length into batches: sorted by token count, each batch padded only to
 * its own longest input, and no batch above a token budget (batch size x padded length) or a size
 * limit. Padding is wasted work, so this keeps it small.
 */
public final class TokenBatcher {

  private TokenBatcher() {}

  /**
   * @param lengths token count of each input
   * @param maxBatchTokens most padded tokens in one batch (at least one input per batch)
   * @param maxBatchSize most inputs in one batch
   * @return batches of input indices, each ordered by length
   */
  public static List<int[]> plan(int[] lengths, int maxBatchTokens, int maxBatchSize) {
    Integer[] order = new Integer[lengths.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
    List<int[]> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    for (int index : order) {
      // Sorted ascending: this input is the batch's longest, so it sets the padded length.
      int paddedIfAdded = lengths[index] * (current.size() + 1);
      if (!current.isEmpty()
          && (current.size() >= maxBatchSize || paddedIfAdded > maxBatchTokens)) {
        batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        current = new ArrayList<>();
      }
      current.add(index);
    }
    if (!current.isEmpty()) {
      batches.add(current.stream().mapToInt(Integer::intValue).toArray());
    }
    return batches;
  }
}
