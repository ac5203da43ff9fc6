package dev.rag.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.ingest.Chunker;
import dev.rag.ingest.TextChunk;
import dev.rag.ingest.TextNormalizer;
import dev.rag.ingest.TokenCounter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentParsersTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<TextChunk> chunk(ParsedDocument d, int budget) {
    return new Chunker(budget, Math.min(8, budget / 2 - 1), TokenCounter.approximate())
        .chunk(d.title(), TextNormalizer.normalise(d.text()), d.contentType());
  }

  @Test
  void readsAMultiPagePdfInOrderAndChunksKnowTheirPages() {
    byte[] pdf =
        TestFiles.pdf(
            "Grazing Study",
            List.of(
                List.of("Introduction", "", "Goats prefer shrubs over grass in dry seasons."),
                List.of("Methods", "", "We counted bites per minute on twelve farms."),
                List.of("Results", "", "Shrub bites doubled when rainfall fell below average.")));

    ParseResult result = DocumentParsers.parse("study.pdf", null, pdf);

    assertThat(result.format()).isEqualTo("pdf");
    ParsedDocument doc = result.documents().get(0);
    assertThat(doc.title()).isEqualTo("Grazing Study");
    assertThat(doc.metadata()).containsEntry("pages", "3");
    String text = TextNormalizer.normalise(doc.text());
    assertThat(text.indexOf("Goats prefer")).isLessThan(text.indexOf("bites per minute"));
    assertThat(text.indexOf("bites per minute")).isLessThan(text.indexOf("Shrub bites doubled"));

    List<TextChunk> chunks = chunk(doc, 12);
    assertThat(chunks).extracting(TextChunk::text).noneMatch(t -> t.contains("\f"));
    assertThat(chunks.stream().filter(c -> c.text().contains("twelve farms")).findFirst())
        .hasValueSatisfying(c -> assertThat(c.pageStart()).isEqualTo(2));
    assertThat(chunks.stream().filter(c -> c.text().contains("rainfall")).findFirst())
        .hasValueSatisfying(c -> assertThat(c.pageEnd()).isEqualTo(3));
  }

  @Test
  void refusesBrokenPdfsWithTheReason() {
    assertThatThrownBy(
            () -> DocumentParsers.parse("x.pdf", "application/pdf", utf8("%PDF-1.7 junk")))
        .isInstanceOf(UnreadableFileException.class)
        .hasMessageContaining("not a readable PDF");
  }

  @Test
  void keepsAPagesContentAndDropsItsFurniture() {
    String html =
        """
        <!DOCTYPE html><html><head><title>Tide Tables</title>
        <style>body { color: red }</style><script>var tracking = 1;</script></head>
        <body><nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
        <header>Site banner</header>
        <main><h1>Tide Tables</h1><p>Tides follow the <b>moon</b>.</p>
        <h2>Spring tides</h2><p>They happen at new and full moon.</p>
        <ul><li>High water</li><li>Low water</li></ul></main>
        <footer>Copyright notice</footer></body></html>
        """;
    ParseResult result = DocumentParsers.parse("tides.html", null, utf8(html));

    ParsedDocument doc = result.documents().get(0);
    assertThat(doc.title()).isEqualTo("Tide Tables");
    assertThat(doc.contentType()).isEqualTo("text/markdown");
    assertThat(doc.text())
        .contains("Tides follow the moon.", "## Spring tides", "High water\nLow water")
        .doesNotContain("tracking", "color", "Home", "About us", "Site banner", "Copyright");
    assertThat(chunk(doc, 64)).extracting(TextChunk::section).contains("Spring tides");
  }

  @Test
  void followsNestedMarkdownHeadings() {
    String md = "# Guide\n\nIntro text.\n\n## Setup\n\nInstall it.\n\n### Linux\n\nUse apt.\n";
    ParsedDocument doc = DocumentParsers.parse("guide.md", null, utf8(md)).documents().get(0);
    // The first top-level heading is the title, which sections do not repeat.
    assertThat(doc.title()).isEqualTo("Guide");
    assertThat(chunk(doc, 64))
        .extracting(c -> c.section() + ": " + c.text())
        .containsExactly(": Intro text.", "Setup: Install it.", "Setup > Linux: Use apt.");
  }

  @Test
  void readsBeirJsonLinesAndReportsBadLinesWithoutLosingTheRest() {
    String jsonl =
        """
        {"_id": "d1", "title": "First", "text": "One.", "metadata": {"year": 2020}}
        {"_id": "d2", "text": "Two."}
        {"title": "no id", "text": "Three."}
        not json at all
        {"_id": 4, "title": "Numbered", "text": "Four."}
        """;
    ParseResult result = DocumentParsers.parse("corpus.jsonl", null, utf8(jsonl));

    assertThat(result.documents()).extracting(ParsedDocument::id).containsExactly("d1", "d2", "4");
    assertThat(result.documents().get(0).metadata()).containsEntry("year", "2020");
    assertThat(result.problems())
        .extracting(p -> p.where() + ": " + p.reason())
        .containsExactly(
            "line 3: _id is required (a string or number)",
            "line 4: not JSON: " + result.problems().get(1).reason().substring(10));
    // Saved as .txt, it is still recognised.
    assertThat(DocumentParsers.parse("corpus.txt", "text/plain", utf8(jsonl)).format())
        .isEqualTo("jsonl");
  }

  @Test
  void splitsTheSeedPaperListingIntoItsSixtySevenPapers() throws IOException {
    byte[] listing = Files.readAllBytes(TestFiles.seedListing());

    ParseResult result = DocumentParsers.parse("daily-papers-listing.txt", null, listing);

    assertThat(result.format()).isEqualTo("paper-listing");
    assertThat(result.problems()).isEmpty();
    assertThat(result.documents()).hasSize(67);
    ParsedDocument first = result.documents().get(0);
    assertThat(first.title())
        .isEqualTo("Rethinking Supervised Pre-training for Better Downstream Transferring");
    assertThat(first.text()).startsWith("The pretrain-finetune paradigm").endsWith("pre-training.");
    assertThat(first.metadata())
        .containsEntry("authors", "5 authors")
        .containsEntry("date", "Oct 12, 2021")
        .containsEntry("year", "2021");
    assertThat(first.id())
        .isEqualTo("rethinking-supervised-pre-training-for-better-downstream-transferring");
    ParsedDocument linEas =
        result.documents().stream()
            .filter(d -> d.title().startsWith("LinEAS"))
            .findFirst()
            .orElseThrow();
    assertThat(linEas.metadata())
        .containsEntry("authors", "apple Apple")
        .containsEntry("date", "Mar 11");
    ParsedDocument last = result.documents().get(66);
    assertThat(last.title()).isEqualTo("SESA: Supervised Explicit Semantic Analysis");
    assertThat(last.metadata()).containsEntry("year", "2017");
    // Every paper whole: a title line and a long abstract, no page chrome in either.
    assertThat(result.documents())
        .allSatisfy(
            d -> {
              assertThat(d.title()).hasSizeBetween(5, 200).doesNotContain("Subscribe");
              assertThat(d.text()).hasSizeGreaterThan(300);
            });
    assertThat(result.documents().stream().map(ParsedDocument::id).distinct()).hasSize(67);
  }

  @Test
  void detectsTheTypeFromDeclarationThenNameThenBytes() {
    byte[] html = utf8("<html><body><p>x</p></body></html>");
    assertThat(DocumentParsers.detect("page", null, html)).isEqualTo(DocumentParsers.Format.HTML);
    assertThat(DocumentParsers.detect("page.txt", null, html))
        .isEqualTo(DocumentParsers.Format.TEXT);
    assertThat(DocumentParsers.detect("page.txt", "text/html", html))
        .isEqualTo(DocumentParsers.Format.HTML);
    assertThat(DocumentParsers.detect("blob", "application/octet-stream", utf8("%PDF-1.4")))
        .isEqualTo(DocumentParsers.Format.PDF);
    assertThat(DocumentParsers.detect("notes", null, utf8("# Title\n\nplain words")))
        .isEqualTo(DocumentParsers.Format.TEXT);
  }

  @Test
  void refusesWhatItCannotReadNamingTheReason() {
    assertThatThrownBy(() -> DocumentParsers.parse("a.docx", "application/msword", utf8("x")))
        .hasMessageContaining("content type 'application/msword' is not supported");
    assertThatThrownBy(() -> DocumentParsers.parse("a.bin", null, new byte[] {1, 0, 2, 0}))
        .hasMessageContaining("binary file");
    assertThatThrownBy(
            () ->
                DocumentParsers.parse(
                    "a.txt", null, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}))
        .hasMessageContaining("not valid UTF-8");
    assertThatThrownBy(() -> DocumentParsers.parse("a.txt", null, new byte[0]))
        .hasMessageContaining("empty");
  }

  @Test
  void readsUtf16TextWithAByteOrderMark() {
    byte[] bytes = "Grüße aus Köln".getBytes(StandardCharsets.UTF_16);
    assertThat(DocumentParsers.parse("greeting.txt", null, bytes).documents().get(0).text())
        .isEqualTo("Grüße aus Köln");
  }
}
