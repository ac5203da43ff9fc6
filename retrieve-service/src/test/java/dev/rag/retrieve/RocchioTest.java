package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RocchioTest {

  @Test
  void theQueryMovesTowardsTheMeanOfItsBestCandidatesAndStaysUnitLength() {
    float[] query = {1, 0, 0};
    float[] moved =
        RetrieveService.rocchio(query, List.of(new float[] {0, 1, 0}, new float[] {0, 0, 1}), 0.5);
    // 0.5 (1, 0, 0) + 0.5 (0, 0.5, 0.5) = (0.5, 0.25, 0.25), then scaled to length 1.
    double norm = Math.sqrt(0.25 + 0.0625 + 0.0625);
    assertThat(moved[0]).isCloseTo((float) (0.5 / norm), within(1e-6f));
    assertThat(moved[1]).isCloseTo((float) (0.25 / norm), within(1e-6f));
    assertThat(moved[2]).isCloseTo((float) (0.25 / norm), within(1e-6f));
  }

  @Test
  void aWeightOfOneLeavesTheQueryAsItIs() {
    float[] query = {0.6f, 0.8f};
    assertThat(RetrieveService.rocchio(query, List.of(new float[] {1, 0}), 1.0))
        .containsExactly(0.6f, 0.8f);
  }
}
