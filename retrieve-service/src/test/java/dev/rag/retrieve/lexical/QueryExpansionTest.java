package dev.rag.retrieve.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rag.retrieve.lexical.QueryExpansion.Feedback;
import dev.rag.retrieve.model.SparseVector;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryExpansionTest {

  private static SparseVector v(int[] ids, float[] weights) {
    return new SparseVector(ids, weights);
  }

  @Test
  void mixesTheQueryWithTheTermsMostLikelyInTheBestPassages() {
    SparseVector query = v(new int[] {1, 2}, new float[] {1, 1});
    List<Feedback> feedback =
        List.of(
            // Scores 3 and 1: the first passage counts three times as much.
            new Feedback(v(new int[] {1, 5, 7}, new float[] {1, 2, 1}), 3),
            new Feedback(v(new int[] {6, 7}, new float[] {1, 1}), 1));
    SparseVector expanded = QueryExpansion.expand(query, feedback, 2, 0.5);

    // P(t|R): 1 -> 0.75 * 0.25 = 0.1875, 5 -> 0.375, 7 -> 0.1875 + 0.125 = 0.3125, 6 -> 0.125.
    // Kept: 5 and 7, renormalised to 0.545 and 0.455, times 0.5.
    assertThat(expanded.indices()).containsExactly(1, 2, 5, 7);
    float[] w = expanded.values();
    assertThat(w[0]).isCloseTo(0.25f, within(1e-6f));
    assertThat(w[1]).isCloseTo(0.25f, within(1e-6f));
    assertThat(w[2]).isCloseTo((float) (0.5 * 0.375 / 0.6875), within(1e-6f));
    assertThat(w[3]).isCloseTo((float) (0.5 * 0.3125 / 0.6875), within(1e-6f));
  }

  @Test
  void anExpansionTermAlreadyInTheQueryAddsToItsWeight() {
    SparseVector query = v(new int[] {3}, new float[] {1});
    SparseVector expanded =
        QueryExpansion.expand(
            query, List.of(new Feedback(v(new int[] {3, 4}, new float[] {1, 1}), 1)), 10, 0.6);
    assertThat(expanded.indices()).containsExactly(3, 4);
    assertThat(expanded.values()[0]).isCloseTo(0.6f + 0.2f, within(1e-6f));
    assertThat(expanded.values()[1]).isCloseTo(0.2f, within(1e-6f));
  }

  @Test
  void keepsTheQueryAloneWithoutFeedbackAndOrdersIdsAsUnsigned() {
    SparseVector query = v(new int[] {5}, new float[] {1});
    assertThat(QueryExpansion.expand(query, List.of(), 10, 0.5).indices()).containsExactly(5);

    // A negative int is a large unsigned id: it goes last, as Qdrant keeps them.
    SparseVector expanded =
        QueryExpansion.expand(
            query, List.of(new Feedback(v(new int[] {-7}, new float[] {1}), 2)), 10, 0.5);
    assertThat(expanded.indices()).containsExactly(5, -7);
  }
}
