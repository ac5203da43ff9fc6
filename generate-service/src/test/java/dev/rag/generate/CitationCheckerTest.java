package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.generate.metrics.MicrometerAnswerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class CitationCheckerTest {

  @Test
  void removesCitationsOfSourcesThatWereNotGiven() {
    CitationChecker.Result r =
        CitationChecker.check("Tides follow the moon [1]. Pilots read tables [3]. Both [2][7].", 2);
    assertThat(r.text()).isEqualTo("Tides follow the moon [1]. Pilots read tables. Both [2].");
    assertThat(r.removed()).isEqualTo(2);
    assertThat(CitationChecker.check("No sources [1].", 0).text()).isEqualTo("No sources.");
    assertThat(CitationChecker.check("Fine [1].", 1).removed()).isZero();
  }

  @Test
  void countsWhatItRemovesAndMarksOnlyCitedSources() {
    var registry = new SimpleMeterRegistry();
    var checker = new CitationChecker(new MicrometerAnswerMetrics(registry));
    var passage = new RetrievedPassage("s", "d", "t", "", 0, "text", 1.0);
    Answer checked =
        checker.check(
            new Answer(
                "A [1]. B [4].",
                List.of(new SourceRef(1, passage, false), new SourceRef(2, passage, true)),
                "stop",
                10,
                4));
    assertThat(checked.text()).isEqualTo("A [1]. B.");
    assertThat(checked.sources()).extracting(SourceRef::cited).containsExactly(true, false);
    assertThat(registry.counter("rag.citations.removed").count()).isEqualTo(1.0);
  }
}
