package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The claim check on answers a scripted model might write (claims/scripted-answers.json: passages,
 * and sentences labelled by hand as supported by the source they cite or not), measured as a
 * detector of unsupported claims: its precision and recall are printed and held to 0.9.
 */
class ClaimSupportTest {

  private static JsonNode cases() throws Exception {
    try (InputStream in =
        ClaimSupportTest.class.getResourceAsStream("/claims/scripted-answers.json")) {
      return new ObjectMapper().readTree(in).path("cases");
    }
  }

  private static List<SourceRef> sources(JsonNode passages) {
    List<SourceRef> sources = new ArrayList<>();
    for (JsonNode p : passages) {
      int n = sources.size() + 1;
      sources.add(
          new SourceRef(
              n,
              new RetrievedPassage(
                  "test",
                  "doc-" + n,
                  p.path("title").asText(),
                  p.path("section").asText(""),
                  0,
                  p.path("text").asText(),
                  1.0),
              true));
    }
    return sources;
  }

  @Test
  void findsUnsupportedClaimsWithPrecisionAndRecallOfAtLeastNinetyPercent() throws Exception {
    int flaggedRight = 0;
    int flaggedWrong = 0;
    int missed = 0;
    List<String> errors = new ArrayList<>();
    for (JsonNode c : cases()) {
      List<SourceRef> sources = sources(c.path("passages"));
      for (JsonNode s : c.path("sentences")) {
        String sentence = s.path("text").asText();
        boolean flagged = !ClaimSupport.check(sentence, sources).isEmpty();
        boolean supported = s.path("supported").asBoolean();
        if (flagged && !supported) {
          flaggedRight++;
        } else if (flagged) {
          flaggedWrong++;
          errors.add("flagged, but supported: " + sentence);
        } else if (!supported) {
          missed++;
          errors.add("not flagged, but unsupported: " + sentence);
        }
      }
    }
    double precision = flaggedRight / (double) (flaggedRight + flaggedWrong);
    double recall = flaggedRight / (double) (flaggedRight + missed);
    System.out.printf(
        Locale.ROOT,
        "claim check on the scripted answers: precision %.3f, recall %.3f (%d flagged right, %d"
            + " wrong, %d missed)%n%s%n",
        precision,
        recall,
        flaggedRight,
        flaggedWrong,
        missed,
        String.join("\n", errors));
    assertThat(precision).as(String.join("\n", errors)).isGreaterThanOrEqualTo(0.9);
    assertThat(recall).as(String.join("\n", errors)).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void saysWhichNumberIsWrongAndWhichSourceASwappedCitationBelongsTo() throws Exception {
    List<SourceRef> sources = sources(cases().get(0).path("passages"));
    String answer =
        "Kafka keeps its records in partitions [1]. Each partition is replicated across five"
            + " brokers by default [1]. Roses need at least six hours of sun a day [1]. A closing"
            + " remark without a citation.";
    List<ClaimSupport.Unsupported> found = ClaimSupport.check(answer, sources);
    assertThat(found).hasSize(2);
    assertThat(found.get(0).sentence()).contains("five brokers");
    assertThat(found.get(0).reason()).contains("states 5", "[1] does not");
    assertThat(found.get(0).supportedBy()).isZero();
    assertThat(found.get(1).sentence()).startsWith("Roses need");
    assertThat(found.get(1).citations()).containsExactly(1);
    assertThat(found.get(1).supportedBy()).isEqualTo(2);
    assertThat(found.get(1).support()).isLessThan(ClaimSupport.MIN_SUPPORT);
  }

  @Test
  void aCitationAfterTheFullStopBelongsToTheSentenceBeforeIt() {
    assertThat(ClaimSupport.sentences("Kafka stores records. [1] Roses need sun. [2]"))
        .containsExactly("Kafka stores records [1]. ", "Roses need sun [2].");
    assertThat(ClaimSupport.numbers("BM25 beat bge-small by 3.5 points on 2,686 of three sets"))
        .containsExactlyInAnyOrder("3.5", "2686", "3");
  }

  @Test
  void hostileLinesOfEightMegabytesAreReadInOnePass() {
    int size = 8 << 20;
    // A closing mark then white space that never reaches a citation; citations that never close.
    String spaces = "Claim." + " ".repeat(size) + "end";
    assertThat(ClaimSupport.sentences(spaces)).hasSize(2);
    String open = "Claim." + " [1".repeat(size / 3) + " end";
    assertThat(ClaimSupport.citationsEnd(open, 6)).isEqualTo(6);
    String cited = "Claim." + " [1]".repeat(size / 4) + " Next.";
    assertThat(ClaimSupport.citationsEnd(cited, 6)).isEqualTo(6 + 4 * (size / 4));
    // Digits and separators that end in a letter (part of a word), and one long figure.
    assertThat(ClaimSupport.numbers("1.".repeat(size / 2) + "1a")).isEmpty();
    assertThat(ClaimSupport.numbers("7".repeat(size))).hasSize(1);
    assertThat(ClaimSupport.numbers("two".repeat(size / 3))).isEmpty();
  }
}
