package dev.rag.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.proto.v1.FusionMethod;
import dev.rag.proto.v1.HybridOptions;
import org.junit.jupiter.api.Test;

class RetrievalOptionsTest {

  @Test
  void depthAndCompletionAreSentOnlyWhenSetAndKeepTheFusionGiven() {
    assertThat(RetrievalOptions.hybridOptions(null, 0, null)).isNull();

    HybridOptions rrf = RetrievalOptions.hybridOptions("rrf", 0.7);
    assertThat(RetrievalOptions.hybridOptions(rrf, 0, null)).isSameAs(rrf);

    HybridOptions both = RetrievalOptions.hybridOptions(rrf, 300, false);
    assertThat(both.getFusion()).isEqualTo(FusionMethod.FUSION_METHOD_RRF);
    assertThat(both.getDenseWeight()).isEqualTo(0.7);
    assertThat(both.getDepth()).isEqualTo(300);
    assertThat(both.hasCompleteScores()).isTrue();
    assertThat(both.getCompleteScores()).isFalse();

    HybridOptions completionOnly = RetrievalOptions.hybridOptions(null, 0, true);
    assertThat(completionOnly.getDepth()).isZero();
    assertThat(completionOnly.getCompleteScores()).isTrue();
  }
}
