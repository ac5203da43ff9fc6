package dev.rag.generate.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process GGUF path on a tiny random-weight model written by the test: it streams, stops at
 * the token limit and shuts down cleanly, even under a running generation. The words are gibberish
 * and not asserted.
 */
class GgufProviderTest {

  @TempDir static Path dir;
  private static Path model;

  @BeforeAll
  static void writeModel() throws Exception {
    model = dir.resolve("tiny.gguf");
    TinyGguf.write(model, 42);
  }

  private static final List<LlmMessage> PROMPT =
      List.of(LlmMessage.system("Answer from the sources."), LlmMessage.user("What is RAG?"));

  @Test
  void streamsPieceByPieceAndStopsAtTheTokenLimit() {
    try (GgufProvider provider = GgufProvider.load(model, "tiny", 256, 1)) {
      assertThat(provider.model()).isEqualTo("tiny");
      TokenStream stream = new TokenStream();
      stream.cancelWith(provider.stream(PROMPT, new LlmParams(12, 0.0, List.of()), stream));
      stream.awaitStart(Duration.ofSeconds(30));
      List<String> pieces = new ArrayList<>();
      String piece;
      while ((piece = stream.next(Duration.ofSeconds(30))) != null) {
        pieces.add(piece);
      }
      assertThat(pieces).hasSize(12).allSatisfy(p -> assertThat(p).isNotEmpty());
      assertThat(stream.finishReason()).isEqualTo("length");
      assertThat(stream.completionTokens()).isEqualTo(12);
    }
  }

  @Test
  void closingUnderARunningGenerationStopsItAndRefusesLaterOnes() throws Exception {
    GgufProvider provider = GgufProvider.load(model, null, 256, 1);
    assertThat(provider.model()).isEqualTo("tiny.gguf");
    TokenStream running = new TokenStream();
    running.cancelWith(provider.stream(PROMPT, new LlmParams(200, 0.8, List.of()), running));
    running.awaitStart(Duration.ofSeconds(30));
    TokenStream waiting = new TokenStream();
    provider.stream(PROMPT, new LlmParams(5, 0.8, List.of()), waiting);

    long start = System.nanoTime();
    provider.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

    TokenStream after = new TokenStream();
    provider.stream(PROMPT, new LlmParams(5, 0.8, List.of()), after);
    assertThatThrownBy(() -> after.awaitStart(Duration.ofSeconds(30)))
        .isInstanceOf(LlmUnavailableException.class)
        .hasMessageContaining("shut down");
    provider.close(); // a second close is harmless
  }
}
