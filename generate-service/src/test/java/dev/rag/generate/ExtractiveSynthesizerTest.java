package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExtractiveSynthesizerTest {

  private final ExtractiveSynthesizer synthesizer = new ExtractiveSynthesizer(3, 700);

  private static RetrievedPassage passage(String id, String text, double score) {
    return new RetrievedPassage("papers", id, "Title " + id, "", 0, text, score);
  }

  private static List<Integer> citations(String text) {
    Matcher m = Pattern.compile("\\[(\\d+)]").matcher(text);
    List<Integer> numbers = new ArrayList<>();
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  @Test
  void answersWithTheSentenceThatCoversTheQuestionAndCitesItsPassage() {
    List<RetrievedPassage> passages =
        List.of(
            passage("weather", "It rained all week. The forecast says sun on Sunday.", 0.71),
            passage(
                "kafka",
                "Kafka keeps records in partitions. Each partition is an ordered log replicated across brokers.",
                0.69));

    Answer answer = synthesizer.answer("How does Kafka replicate partitions?", passages, 0);

    assertThat(answer.text())
        .contains("Each partition is an ordered log replicated across brokers [1].");
    assertThat(answer.text()).doesNotContain("rained");
    assertThat(answer.sources().get(0).passage().documentId()).isEqualTo("kafka");
    assertThat(answer.sources().get(0).cited()).isTrue();
    assertThat(answer.sources()).extracting(SourceRef::number).containsExactly(1, 2);
    assertThat(answer.finishReason()).isEqualTo("stop");
  }

  @Test
  void neverAnswersWithNothing() {
    // The best-ranked passage shares no word with the question; the others share one common word.
    List<RetrievedPassage> passages =
        List.of(
            passage("lamp", "Lamp oil pressed from sunflower seeds burns with little smoke.", 1.0),
            passage("tide", "High water at the bay comes later each day by fifty minutes.", 0.66),
            passage("bee", "Honeybees dance to tell hive mates where the flowers are.", 0.64));

    Answer answer =
        synthesizer.answer(
            "What colour do the glass frogs turn at the end of the day?", passages, 0);

    assertThat(answer.text()).isEqualTo(ExtractiveSynthesizer.NOT_ANSWERED);
    assertThat(answer.sources()).noneMatch(SourceRef::cited).hasSize(3);
  }

  @Test
  void everyCitationPointsAtACitedSource() {
    List<RetrievedPassage> passages =
        List.of(
            passage("a", "Qdrant stores vectors. Qdrant filters by payload fields.", 0.9),
            passage("b", "Payload indexes make Qdrant filters fast.", 0.8),
            passage("c", "Unrelated text about gardening and roses.", 0.7));

    Answer answer = synthesizer.answer("How does Qdrant filter by payload?", passages, 0);

    List<Integer> cited = citations(answer.text());
    assertThat(cited).isNotEmpty();
    for (int n : cited) {
      assertThat(answer.sources().get(n - 1).number()).isEqualTo(n);
      assertThat(answer.sources().get(n - 1).cited()).isTrue();
    }
    assertThat(answer.sources())
        .filteredOn(SourceRef::cited)
        .extracting(s -> s.passage().documentId())
        .doesNotContain("c");
  }

  @Test
  void doesNotRepeatItself() {
    List<RetrievedPassage> passages =
        List.of(
            passage("a", "The embedder runs on the GPU when one is present.", 0.9),
            passage("b", "The embedder runs on the GPU when one is present.", 0.9));

    Answer answer = synthesizer.answer("Where does the embedder run?", passages, 0);

    assertThat(citations(answer.text())).hasSize(1);
  }

  @Test
  void saysPlainlyWhenNothingAnswersTheQuestion() {
    assertThat(synthesizer.answer("What is the capital of Peru?", List.of(), 0).text())
        .isEqualTo(ExtractiveSynthesizer.NOTHING_FOUND);

    Answer unrelated =
        synthesizer.answer(
            "What is the capital of Peru?",
            List.of(passage("k", "Kafka brokers store logs.", 0.2)),
            0);
    assertThat(unrelated.text()).isEqualTo(ExtractiveSynthesizer.NOT_ANSWERED);
    assertThat(unrelated.sources()).allSatisfy(s -> assertThat(s.cited()).isFalse());
  }

  @Test
  void stopsAtTheTokenLimit() {
    Answer answer =
        synthesizer.answer(
            "What do brokers store?",
            List.of(
                passage(
                    "k",
                    "Brokers store the partitions of every topic on local disks for days.",
                    0.9)),
            4);

    assertThat(answer.finishReason()).isEqualTo("length");
    assertThat(answer.completionTokens()).isEqualTo(4);
    assertThat(Tokens.count(answer.text())).isEqualTo(4);
  }

  @Test
  void placesTheCitationBeforeTheClosingPunctuation() {
    assertThat(ExtractiveSynthesizer.cite("It works.", 2)).isEqualTo("It works [2].");
    assertThat(ExtractiveSynthesizer.cite("Does it?", 1)).isEqualTo("Does it [1]?");
    assertThat(ExtractiveSynthesizer.cite("No punctuation", 3)).isEqualTo("No punctuation [3].");
  }

  @Test
  void closenessInMeaningPicksTheSentenceThatAnswersAndOneSentencePerDocument() {
    // "embed" appears in both architecture sentences; by words alone the ingest one, first and as
    // long, wins. The scorer says which one is about what the embed service does.
    List<RetrievedPassage> passages =
        List.of(
            passage(
                "architecture",
                "The ingest service hands the embed service its chunks over Kafka. The embed"
                    + " service turns each chunk into a dense vector.",
                0.9),
            passage("glossary", "A dense vector is what the embed service makes of a chunk.", 0.6));
    SentenceScorer meaning =
        (question, sentences) ->
            java.util.Optional.of(
                sentences.stream()
                    .mapToDouble(t -> t.startsWith("The ingest") ? 0.55 : 0.82)
                    .toArray());
    ExtractiveSynthesizer focused = new ExtractiveSynthesizer(2, 1, 0.85, 700, meaning, 10);

    Answer answer = focused.answer("What does the embed service do?", passages, 0);

    assertThat(answer.text())
        .startsWith("The embed service turns each chunk into a dense vector [1].")
        .doesNotContain("ingest service");
    // The second sentence comes from the other document: one per document.
    assertThat(citations(answer.text())).containsExactly(1, 2);
    assertThat(answer.sources().get(1).passage().documentId()).isEqualTo("glossary");

    // When meaning cannot be told, the same answerer chooses by words, one sentence per document.
    ExtractiveSynthesizer byWords =
        new ExtractiveSynthesizer(2, 1, 0.85, 700, (q, t) -> java.util.Optional.empty(), 10);
    Answer words = byWords.answer("What does the embed service do?", passages, 0);
    assertThat(citations(words.text())).doesNotHaveDuplicates();
  }
}
