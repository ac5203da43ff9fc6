package dev.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkerTest {

  private final TokenCounter tokens = TokenCounter.approximate();

  private static String sentence(int i) {
    return "Sentence number " + i + " talks about topic " + i + " in some detail.";
  }

  @Test
  void keepsAShortDocumentWholeWithItsTitleAsContext() {
    List<TextChunk> chunks =
        new Chunker(64, 16, tokens)
            .chunk("Kafka notes", "Brokers store logs. Topics have partitions.", "text/plain");

    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).text()).isEqualTo("Brokers store logs. Topics have partitions.");
    assertThat(chunks.get(0).embeddingText())
        .isEqualTo("Kafka notes\n\nBrokers store logs. Topics have partitions.");
  }

  @Test
  void neighbourTokensEmbedTheTextAroundAChunkButShowOnlyItsOwn() {
    String text =
        IntStream.range(0, 12).mapToObj(ChunkerTest::sentence).collect(Collectors.joining(" "));
    List<TextChunk> plain = new Chunker(40, 0, tokens).chunk("T", text, "text/plain");
    List<TextChunk> chunks = new Chunker(40, 0, tokens, true, 5).chunk("T", text, "text/plain");

    assertThat(chunks).hasSize(plain.size()).hasSizeGreaterThan(2);
    for (int i = 0; i < chunks.size(); i++) {
      TextChunk c = chunks.get(i);
      assertThat(c.text()).isEqualTo(plain.get(i).text());
      assertThat(c.embeddingText()).startsWith("T\n\n").contains(c.text());
    }
    // The first chunk has no chunk before it: its own text then the next chunk's first words.
    assertThat(chunks.get(0).embeddingText())
        .isEqualTo("T\n\n" + chunks.get(0).text() + " Sentence number 3 talks about");
    // A middle chunk: the previous chunk's last words, its text, the next chunk's first words.
    assertThat(chunks.get(1).embeddingText())
        .isEqualTo(
            "T\n\n2 in some detail. " + chunks.get(1).text() + " Sentence number 6 talks about");
    TextChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.embeddingText()).endsWith(last.text()).doesNotStartWith("T\n\n" + last.text());
  }

  @Test
  void neverExceedsTheBudgetAndNeverCutsASentence() {
    String text =
        IntStream.range(0, 60).mapToObj(ChunkerTest::sentence).collect(Collectors.joining(" "));
    List<TextChunk> chunks = new Chunker(64, 16, tokens).chunk("", text, "text/plain");

    assertThat(chunks).hasSizeGreaterThan(5);
    for (TextChunk c : chunks) {
      assertThat(tokens.count(c.text())).isLessThanOrEqualTo(64);
      assertThat(c.text()).startsWith("Sentence number").endsWith("detail.");
      assertThat(text.substring(c.startOffset(), c.endOffset())).isEqualTo(c.text());
    }
    // Every sentence is in some chunk.
    for (int i = 0; i < 60; i++) {
      String s = sentence(i);
      assertThat(chunks).anySatisfy(c -> assertThat(c.text()).contains(s));
    }
  }

  @Test
  void repeatsTheLastSentenceOfAFullChunkAtTheStartOfTheNext() {
    String text =
        IntStream.range(0, 20).mapToObj(ChunkerTest::sentence).collect(Collectors.joining(" "));
    List<TextChunk> chunks = new Chunker(64, 20, tokens).chunk("", text, "text/plain");

    for (int i = 1; i < chunks.size(); i++) {
      String previous = chunks.get(i - 1).text();
      String lastSentence = previous.substring(previous.lastIndexOf("Sentence number"));
      assertThat(chunks.get(i).text()).startsWith(lastSentence);
    }
  }

  @Test
  void breaksAtParagraphsAndKeepsMarkdownSectionsApart() {
    String text =
        """
        # Guide

        ## Install

        Run the installer. It takes a minute.

        ## Usage

        Open the page. Ask a question.

        ### Advanced

        Tune the budget.""";
    List<TextChunk> chunks = new Chunker(256, 32, tokens).chunk("Guide", text, "text/markdown");

    assertThat(chunks)
        .extracting(TextChunk::section)
        .containsExactly("Install", "Usage", "Usage > Advanced");
    assertThat(chunks.get(0).text()).isEqualTo("Run the installer. It takes a minute.");
    assertThat(chunks.get(2).embeddingText())
        .isEqualTo("Guide\nUsage > Advanced\n\nTune the budget.");
    assertThat(chunks).extracting(TextChunk::index).containsExactly(0, 1, 2);
  }

  @Test
  void cutsASentenceOnlyWhenItAloneExceedsTheBudget() {
    String longSentence =
        IntStream.range(0, 200).mapToObj(i -> "Word" + i).collect(Collectors.joining(" ")) + ".";
    List<TextChunk> chunks =
        new Chunker(32, 8, tokens)
            .chunk("", "Short one. " + longSentence + " Short two.", "text/plain");

    assertThat(chunks).hasSizeGreaterThan(5);
    assertThat(chunks).allSatisfy(c -> assertThat(tokens.count(c.text())).isLessThanOrEqualTo(32));
    assertThat(chunks.get(0).text()).isEqualTo("Short one.");
    assertThat(chunks.get(chunks.size() - 1).text()).endsWith("Short two.");
  }

  @Test
  void treatsLineBreaksInsideAParagraphAsWrapping() {
    String text = "The first sentence wraps\nonto a second line. The second\nsentence also wraps.";
    List<TextChunk> chunks = new Chunker(12, 4, tokens).chunk("", text, "text/plain");

    assertThat(chunks)
        .extracting(TextChunk::text)
        .containsExactly(
            "The first sentence wraps\nonto a second line.", "The second\nsentence also wraps.");
  }

  @Test
  void doesNotReadHeadingsInsideCodeFences() {
    String text = "# Doc\n\n```\n# not a heading\n```\n\nAfter.";
    List<TextChunk> chunks = new Chunker(256, 32, tokens).chunk("", text, "text/markdown");

    assertThat(chunks).extracting(TextChunk::section).containsOnly("Doc");
    assertThat(chunks.get(0).text()).contains("# not a heading");
  }

  @Test
  void stopsReadingOnceADocumentIsKnownToMakeMoreChunksThanAllowed() {
    String text =
        IntStream.range(0, 2000).mapToObj(ChunkerTest::sentence).collect(Collectors.joining(" "));
    int all = new Chunker(64, 16, tokens).chunk("", text, "text/plain").size();
    List<TextChunk> limited = new Chunker(64, 16, tokens).chunk("", text, "text/plain", 10);
    assertThat(all).isGreaterThan(100);
    // Over the limit, and far fewer than the whole: the rest of the text was not read.
    assertThat(limited.size()).isGreaterThan(10).isLessThan(all / 4);
    assertThat(new Chunker(64, 16, tokens).chunk("", sentence(1), "text/plain", 10)).hasSize(1);
  }
}
