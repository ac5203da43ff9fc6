package dev.rag.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.generate.QuestionShape.Fact;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuestionShapeTest {

  @Test
  void tellsQuestionsAboutSeveralDocumentsFromQuestionsForOneAnswer() {
    assertThat(
            QuestionShape.aboutSeveralDocuments(
                "Which papers propose embeddings whose dimension can be truncated?"))
        .isTrue();
    assertThat(QuestionShape.aboutSeveralDocuments("Compare ColBERT and SPLADE.")).isTrue();
    assertThat(QuestionShape.aboutSeveralDocuments("What do the sources say about tides?"))
        .isTrue();
    assertThat(QuestionShape.aboutSeveralDocuments("List the studies on sleep.")).isTrue();
    assertThat(QuestionShape.aboutSeveralDocuments("Are there papers about tides?")).isTrue();
    assertThat(QuestionShape.aboutSeveralDocuments("What does the paper about tides say?"))
        .isFalse();
    assertThat(QuestionShape.aboutSeveralDocuments("Are there papers that measure tides?"))
        .isTrue();
    assertThat(QuestionShape.aboutSeveralDocuments("What does the embed service do?")).isFalse();
    assertThat(QuestionShape.aboutSeveralDocuments("Which works better, HNSW or IVF?")).isFalse();
    assertThat(
            QuestionShape.aboutSeveralDocuments(
                "0-dimensional biomaterials show inductive properties."))
        .isFalse();
  }

  @Test
  void readsWhichRecordedFactsAQuestionAsksFor() {
    assertThat(QuestionShape.factsAsked("When was Matryoshka Representation Learning published?"))
        .containsExactly(Fact.DATE);
    // "who" and "when" alone ask about content: patients who..., when does it truncate...
    assertThat(QuestionShape.factsAsked("Which patients who smoke develop asthma?")).isEmpty();
    assertThat(QuestionShape.factsAsked("When does the model truncate its embeddings?")).isEmpty();
    assertThat(QuestionShape.factsAsked("How many authors does the paper have?"))
        .containsExactly(Fact.AUTHORS);
    assertThat(QuestionShape.factsAsked("Who wrote it, and in what year?"))
        .containsExactly(Fact.DATE, Fact.AUTHORS);
    assertThat(QuestionShape.factsAsked("How many pages is the report?"))
        .containsExactly(Fact.PAGES);
    assertThat(QuestionShape.factsAsked("Which papers are from 2019?")).containsExactly(Fact.DATE);
    assertThat(QuestionShape.factsAsked("Does it take 3000 steps?")).isEmpty();
    assertThat(QuestionShape.factsAsked("What do the sources say about tides?")).isEmpty();
    assertThat(QuestionShape.factsAsked("How does Kafka replicate partitions?")).isEmpty();
  }

  @Test
  void statesADocumentsFactsInOneSentence() {
    Map<String, String> listing =
        Map.of("date", "Oct 12, 2021", "year", "2021", "authors", "5 authors");
    assertThat(QuestionShape.factSentence("LOOK", listing, Set.of(Fact.DATE)))
        .isEqualTo("LOOK is dated Oct 12, 2021.");
    assertThat(
            QuestionShape.factSentence(
                "LOOK",
                listing,
                new java.util.LinkedHashSet<>(java.util.List.of(Fact.DATE, Fact.AUTHORS))))
        .isEqualTo("LOOK is dated Oct 12, 2021, with 5 authors.");
    assertThat(
            QuestionShape.factSentence(
                "A report",
                Map.of("author", "J. Smith", "year", "2019", "pages", "12"),
                new java.util.LinkedHashSet<>(
                    java.util.List.of(Fact.DATE, Fact.AUTHORS, Fact.PAGES))))
        .isEqualTo("A report is from 2019, by J. Smith, 12 pages.");
    assertThat(QuestionShape.factSentence("Notes", Map.of(), Set.of(Fact.AUTHORS))).isEmpty();
    assertThat(QuestionShape.factSentence("Notes", Map.of("authors", "3"), Set.of(Fact.AUTHORS)))
        .isEqualTo("Notes has 3 authors.");
  }

  @Test
  void readsAHostileQuestionInOnePass() {
    // The chat API bounds a question's length; the patterns are plain alternations of words, so
    // even a long run of near-matches is read once.
    String hostile = "which of the ".repeat(50_000) + "papers";
    assertThat(QuestionShape.aboutSeveralDocuments(hostile)).isTrue();
    assertThat(QuestionShape.factsAsked("published ".repeat(50_000))).containsExactly(Fact.DATE);
  }
}
