package dev.rag.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBatcherTest {

  @Test
  void groupsSimilarLengthsWithinTheTokenBudget() {
    int[] lengths = {100, 5, 6, 98, 7, 50};
    List<int[]> batches = TokenBatcher.plan(lengths, 200, 64);

    // Sorted: 5, 6, 7, 50 (padded 4 x 50 = 200), then 98, 100 (padded 2 x 100 = 200).
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0)).containsExactly(1, 2, 4, 5);
    assertThat(batches.get(1)).containsExactly(3, 0);
    for (int[] b : batches) {
      int max = Arrays.stream(b).map(i -> lengths[i]).max().orElseThrow();
      assertThat(max * b.length).isLessThanOrEqualTo(200);
    }
  }

  @Test
  void respectsTheSizeLimitAndKeepsAnOverlongInputAlone() {
    assertThat(TokenBatcher.plan(new int[] {1, 1, 1, 1, 1}, 1000, 2)).hasSize(3);
    List<int[]> alone = TokenBatcher.plan(new int[] {10, 900}, 500, 64);
    assertThat(alone).hasSize(2);
    assertThat(alone.get(1)).containsExactly(1);
  }

  @Test
  void coversEveryInputExactlyOnce() {
    int[] lengths = new int[1000];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 1 + (i * 37) % 300;
    }
    int[] seen = new int[lengths.length];
    for (int[] b : TokenBatcher.plan(lengths, 4096, 64)) {
      for (int i : b) {
        seen[i]++;
      }
    }
    assertThat(seen).containsOnly(1);
  }
}
