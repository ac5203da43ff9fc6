package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingCitationsTest {

  private static String stream(int sources, List<String> pieces, StringBuilder shown) {
    StreamingCitations citations = new StreamingCitations(sources);
    for (String piece : pieces) {
      shown.append(citations.accept(piece));
    }
    shown.append(citations.finish());
    return shown + " removed=" + citations.removed();
  }

  @Test
  void citationsSplitAcrossPiecesAreCheckedWhole() {
    assertThat(
            stream(
                2,
                List.of("Kafka [", "1", "] replicates", " partitions [", "12", "].", " Yes [2]"),
                new StringBuilder()))
        .isEqualTo("Kafka [1] replicates partitions. Yes [2] removed=1");
  }

  @Test
  void theSpaceBeforeARemovedCitationGoesWithIt() {
    assertThat(stream(1, List.of("Done ", "[3]", " and", " more [0]"), new StringBuilder()))
        .isEqualTo("Done and more removed=2");
  }

  @Test
  void textThatOnlyLooksLikeACitationPassesUnchanged() {
    assertThat(stream(1, List.of("Arrays [a", "] and [", "] or x[1"), new StringBuilder()))
        .isEqualTo("Arrays [a] and [] or x[1 removed=0");
  }

  @Test
  void nothingIsHeldBackLongerThanNeeded() {
    StreamingCitations citations = new StreamingCitations(3);
    assertThat(citations.accept("Partitions are")).isEqualTo("Partitions are");
    assertThat(citations.accept(" replicated ")).isEqualTo(" replicated");
    assertThat(citations.accept("[")).isEmpty();
    assertThat(citations.accept("2]")).isEqualTo(" [2]");
    assertThat(citations.finish()).isEmpty();
  }
}
