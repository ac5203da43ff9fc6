package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExtractiveSynthesizerTest {

  private final ExtractiveSynthesizer synthesizer = new ExtractiveSynthesizer(3, 700);

  private static RetrievedPassage passage(String id, String text, double score) {
    return new RetrievedPassage("papers", id, "Title " + id, "", 0, text, score);
  }

  private static RetrievedPassage rescored(RetrievedPassage p, double score) {
    return new RetrievedPassage(
        p.source(),
        p.documentId(),
        p.title(),
        p.section(),
        p.chunkIndex(),
        p.text(),
        score,
        p.pageStart(),
        p.pageEnd(),
        p.similarity(),
        p.model(),
        p.metadata());
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

  @Test
  void aQuestionAboutSeveralDocumentsGetsOnePointFromEachDocumentThatAnswersIt() {
    List<RetrievedPassage> passages =
        List.of(
            passage(
                "harbour",
                "Harbour lamps burn sunflower oil. The harbour also keeps a tide table.",
                1.0),
            passage(
                "chapel",
                "The chapel lamps burn olive oil with a steady flame. Its bell rings at noon.",
                0.9),
            passage("tides", "High water comes later each day by fifty minutes.", 0.8),
            passage("lighthouse", "The lighthouse lamps burn paraffin oil all night.", 0.7));

    Answer several =
        synthesizer.answer("Which documents say what oil the lamps burn?", passages, 0);

    assertThat(several.text().lines())
        .containsExactly(
            "- Harbour lamps burn sunflower oil [1].",
            "- The chapel lamps burn olive oil with a steady flame [2].",
            "- The lighthouse lamps burn paraffin oil all night [3].");
    assertThat(several.sources().subList(0, 3))
        .extracting(r -> r.passage().documentId())
        .containsExactly("harbour", "chapel", "lighthouse");
    assertThat(ClaimSupport.check(several.text(), several.sources())).isEmpty();

    // The same passages asked for one answer: the best sentences, not one per document.
    Answer one =
        new ExtractiveSynthesizer(2, 2, 0.85, 700, SentenceScorer.NONE, 0)
            .answer("What oil do the lamps burn?", passages, 0);
    assertThat(one.text()).doesNotStartWith("- ");
  }

  @Test
  void aQuestionAboutADocumentsRecordedFactsIsAnsweredFromItsMetadata() {
    RetrievedPassage matryoshka =
        new RetrievedPassage(
            "papers",
            "matryoshka",
            "Matryoshka Representation Learning",
            "",
            0,
            "Learned representations serve downstream tasks of every size.",
            1.0,
            0,
            0,
            Double.NaN,
            "",
            Map.of("date", "May 26, 2022", "year", "2022", "authors", "5 authors"));
    RetrievedPassage other =
        new RetrievedPassage(
            "papers",
            "pointer",
            "Pointer Networks",
            "",
            0,
            "Pointer networks learn the conditional probability of an output sequence.",
            1.0,
            0,
            0,
            Double.NaN,
            "",
            Map.of("date", "Jun 9, 2015", "authors", "3 authors"));
    List<RetrievedPassage> passages = List.of(matryoshka, other);
    ExtractiveSynthesizer synthesizer =
        new ExtractiveSynthesizer(2, 2, 0.85, 700, SentenceScorer.NONE, 0);

    Answer when =
        synthesizer.answer("When was Matryoshka Representation Learning published?", passages, 0);
    assertThat(when.text())
        .isEqualTo("Matryoshka Representation Learning is dated May 26, 2022 [1].");
    assertThat(when.sources().get(0).passage().documentId()).isEqualTo("matryoshka");
    // What the metadata records supports the sentence stating it.
    assertThat(ClaimSupport.check(when.text(), when.sources())).isEmpty();

    // Retrieval ranks the paper a question names first.
    Answer authors =
        synthesizer.answer(
            "How many authors does the Pointer Networks paper have?",
            List.of(other, matryoshka),
            0);
    assertThat(authors.text())
        .startsWith("Pointer Networks has 3 authors [1].")
        .doesNotContain("[2]");
    assertThat(authors.sources().get(0).passage().documentId()).isEqualTo("pointer");

    // A year asked about is stated only by the documents dated so.
    Answer year =
        synthesizer.answer(
            "Which papers are from 2015?", List.of(matryoshka, rescored(other, 0.9)), 0);
    assertThat(year.text()).isEqualTo("Pointer Networks is dated Jun 9, 2015 [1].");

    // A question about what a paper says is not answered with its facts.
    Answer content = synthesizer.answer("What do Matryoshka representations serve?", passages, 0);
    assertThat(content.text()).contains("downstream tasks").doesNotContain("dated");
  }

  @Test
  void aFollowUpIsAnsweredAboutWhatIsNewInIt() {
    List<RetrievedPassage> passages =
        List.of(
            passage(
                "embed",
                "The embed service turns each chunk into a vector. The embed service answers on"
                    + " port 8082. The embed service runs on the CPU or a GPU.",
                1.0));
    ExtractiveSynthesizer synthesizer =
        new ExtractiveSynthesizer(2, 2, 0.85, 700, SentenceScorer.NONE, 0);
    String first = synthesizer.answer("What does the embed service do?", passages, 0).text();
    assertThat(first).contains("turns each chunk into a vector");

    Answer port =
        synthesizer.answer(
            new ExtractiveSynthesizer.Question(
                "What does the embed service do? Which port does it answer on?",
                "Which port does it answer on?",
                first),
            passages,
            0,
            false);
    assertThat(port.text()).isEqualTo("The embed service answers on port 8082 [1].");

    Answer speed =
        synthesizer.answer(
            new ExtractiveSynthesizer.Question(
                "What does the embed service do? And how fast is it?",
                "And how fast is it?",
                first),
            passages,
            0,
            false);
    assertThat(speed.abstained()).isTrue();
    assertThat(speed.text()).isEqualTo(ExtractiveSynthesizer.NOT_ANSWERED);

    Answer more =
        synthesizer.answer(
            new ExtractiveSynthesizer.Question(
                "What does the embed service do? Tell me more about it",
                "Tell me more about it",
                first),
            passages,
            0,
            false);
    assertThat(more.abstained()).isFalse();
    for (String sentence : ClaimSupport.sentences(more.text())) {
      assertThat(first).doesNotContain(CitationChecker.strip(sentence).strip());
    }
  }
}
