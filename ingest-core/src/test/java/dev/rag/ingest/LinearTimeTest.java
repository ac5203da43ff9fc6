package dev.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.ParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs shaped to make a backtracking matcher or a naive loop take quadratic time, each about a
 * megabyte: every one of them reads in well under a second when the code is linear, and would take
 * from minutes to hours when it is not. The bound is that far from both, so a busy machine cannot
 * make these fail, and a quadratic path cannot pass.
 */
class LinearTimeTest {

  private static final Duration BOUND = Duration.ofSeconds(60);
  private static final int MB = 1 << 20;

  private final Chunker chunker = new Chunker(384, 48, TokenCounter.approximate());

  private List<TextChunk> readAndChunk(String name, String text) {
    ParseResult parsed = DocumentParsers.parse(name, null, text.getBytes(StandardCharsets.UTF_8));
    var doc = parsed.documents().get(0);
    return chunker.chunk(doc.title(), TextNormalizer.normalise(doc.text()), doc.contentType());
  }

  @Test
  void aMarkdownLineOfHashesAfterAHeadingMarkIsReadInLinearTime() {
    // "# x###...###y": a heading pattern with a lazy body and optional closing hashes tries every
    // split of the run of hashes.
    String line = "# x" + "#".repeat(MB) + "y";
    List<TextChunk> chunks =
        assertTimeoutPreemptively(BOUND, () -> readAndChunk("hostile.md", line + "\n\nBody.\n"));
    assertThat(chunks).isNotEmpty();
  }

  @Test
  void aFirstHeadingFollowedByARunOfSpacesIsReadInLinearTime() {
    // Raw text, before normalisation: the first heading of a Markdown file names it.
    String line = "# t" + " ".repeat(MB) + "x";
    ParseResult parsed =
        assertTimeoutPreemptively(
            BOUND,
            () ->
                DocumentParsers.parse(
                    "hostile.md", null, (line + "\n\nBody.").getBytes(StandardCharsets.UTF_8)));
    assertThat(parsed.documents()).hasSize(1);
  }

  @Test
  void headingsAreStillReadAsBefore() {
    List<TextChunk> chunks =
        readAndChunk(
            "notes.md",
            "# Title #\n\nIntro.\n\n## Methods ##  \n\nWe did it.\n\n####### not a heading\n\n"
                + "###\tTabbed\t#\n\nMore.");
    assertThat(chunks).extracting(TextChunk::section).contains("Methods", "Methods > Tabbed");
    assertThat(chunks).anySatisfy(c -> assertThat(c.text()).contains("####### not a heading"));
    ParseResult parsed =
        DocumentParsers.parse(
            "t.md", null, "# A title ##\n\ntext".getBytes(StandardCharsets.UTF_8));
    assertThat(parsed.documents().get(0).title()).isEqualTo("A title");
  }

  @Test
  void aListingOfManyPapersWithTheSameTitleGetsDistinctIdsInLinearTime() {
    int papers = 20_000;
    StringBuilder listing = new StringBuilder();
    for (int i = 0; i < papers; i++) {
      listing
          .append("Same Title\n")
          .append("An abstract that is long enough to be the longest line of the block, number ")
          .append(i)
          .append(".\n\u00B7\nNov 3, 2025\n");
    }
    ParseResult parsed =
        assertTimeoutPreemptively(
            BOUND,
            () ->
                DocumentParsers.parse(
                    "listing.txt",
                    "text/x-paper-listing",
                    listing.toString().getBytes(StandardCharsets.UTF_8)));
    assertThat(parsed.documents()).hasSize(papers);
    assertThat(parsed.documents().stream().map(d -> d.id()).distinct().count()).isEqualTo(papers);
    assertThat(parsed.documents().get(0).id()).isEqualTo("same-title");
    assertThat(parsed.documents().get(1).id()).isEqualTo("same-title-2");
  }

  @Test
  void runsOfBlanksAndPageBreaksNormaliseInLinearTime() {
    String text =
        "a" + " \n".repeat(MB / 4) + "b" + "\n \f \n".repeat(MB / 8) + "c" + " ".repeat(MB) + "d";
    String normalised = assertTimeoutPreemptively(BOUND, () -> TextNormalizer.normalise(text));
    assertThat(normalised).startsWith("a\n\nb").endsWith("c d");
  }

  @Test
  void oneHugeWordIsCutIntoChunksOfBoundedLength() {
    String word = "x".repeat(4 * MB);
    List<TextChunk> chunks = assertTimeoutPreemptively(BOUND, () -> readAndChunk("word.txt", word));
    assertThat(chunks).hasSizeGreaterThan(1);
    assertThat(chunks).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(8192));
    assertThat(chunks.stream().mapToInt(c -> c.text().length()).sum()).isEqualTo(word.length());
  }
}
