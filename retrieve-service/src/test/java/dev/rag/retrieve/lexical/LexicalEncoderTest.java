package dev.rag.retrieve.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rag.retrieve.model.SparseVector;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LexicalEncoderTest {

  private final LexicalEncoder encoder = new LexicalEncoder(1.2, 0.75, 4);

  @Test
  void analysesWithEnglishStopWordsAndStemming() {
    assertThat(LexicalEncoder.terms("The brokers are replicating the partitions"))
        .containsExactly("broker", "replic", "partit");
  }

  @Test
  void hashesTermsStablyWithMurmur3() {
    // MurmurHash3 x86_32, seed 0, of "broker": the same on every machine and run.
    assertThat(LexicalEncoder.termId("broker")).isEqualTo(LexicalEncoder.termId("broker"));
    assertThat(LexicalEncoder.termId("broker")).isNotEqualTo(LexicalEncoder.termId("brokers"));
    assertThat(Integer.toUnsignedString(LexicalEncoder.termId("hello")))
        .isEqualTo(Long.toString(0x248bfa47L));
  }

  @Test
  void termIdSequencesHashTheSameTermsAsTheIndexDoes() {
    String text = "The cell's membranes aren't permeable; naïve T-cells über-react (2024).";
    int[] expected = LexicalEncoder.terms(text).stream().mapToInt(LexicalEncoder::termId).toArray();
    assertThat(expected).isNotEmpty();
    assertThat(LexicalEncoder.termIdSequence(text)).containsExactly(expected);
  }

  @Test
  void theTermsOfJoinedTextsAreEachTextsTermsInTurn() {
    // The reranker analyses title, section and text apart and joins their terms.
    String title = "Vitamin D and the elderly";
    String section = "Results / Bone density";
    String text = "Supplementation didn't reduce fractures in women's cohorts.";
    int[] joined = LexicalEncoder.termIdSequence(title + "\n" + section + "\n" + text);
    int[] parts =
        IntStream.concat(
                IntStream.concat(
                    Arrays.stream(LexicalEncoder.termIdSequence(title)),
                    Arrays.stream(LexicalEncoder.termIdSequence(section))),
                Arrays.stream(LexicalEncoder.termIdSequence(text)))
            .toArray();
    assertThat(parts).containsExactly(joined);
  }

  @Test
  void weighsPassageTermsWithBm25Saturation() {
    // 4 terms, average length 4: dl/avgdl = 1, so w = tf (k1 + 1) / (tf + k1).
    SparseVector v = encoder.encodePassage("kafka kafka broker log");
    int kafka = LexicalEncoder.termId("kafka");
    int broker = LexicalEncoder.termId("broker");
    assertThat(weight(v, kafka)).isCloseTo(2 * 2.2 / (2 + 1.2), within(1e-6));
    assertThat(weight(v, broker)).isCloseTo(2.2 / (1 + 1.2), within(1e-6));
    assertThat(v.indices()).hasSize(3);
  }

  @Test
  void penalisesLongPassagesAndKeepsIndicesSortedAsUnsigned() {
    SparseVector shortOne = encoder.encodePassage("kafka broker");
    SparseVector longOne = encoder.encodePassage("kafka broker log segment index partition leader");
    int kafka = LexicalEncoder.termId("kafka");
    assertThat(weight(shortOne, kafka)).isGreaterThan(weight(longOne, kafka));
    long previous = -1;
    for (int i : longOne.indices()) {
      assertThat(Integer.toUnsignedLong(i)).isGreaterThan(previous);
      previous = Integer.toUnsignedLong(i);
    }
  }

  @Test
  void givesQueryTermsWeightOneAndNothingToStopWords() {
    SparseVector q = encoder.encodeQuery("is a broker broker?");
    assertThat(q.indices()).containsExactly(LexicalEncoder.termId("broker"));
    assertThat(q.values()).containsExactly(1f);
    assertThat(encoder.encodeQuery("is the of").isEmpty()).isTrue();
  }

  private static double weight(SparseVector v, int id) {
    for (int i = 0; i < v.indices().length; i++) {
      if (v.indices()[i] == id) {
        return v.values()[i];
      }
    }
    throw new AssertionError("term " + id + " not in " + List.of(v));
  }
}
