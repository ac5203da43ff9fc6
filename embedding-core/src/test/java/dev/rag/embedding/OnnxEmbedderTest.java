package dev.rag.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

  private static final List<String> TEXTS =
      List.of(
          "Mitochondria produce most of the chemical energy of the cell as ATP.",
          "Short.",
          "The Treaty of Westphalia ended the Thirty Years' War in 1648 and reshaped the map of"
              + " Europe for a century; historians still debate how much it founded the modern system"
              + " of sovereign states.");

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static List<float[]> reference(EmbeddingModel model, List<String> texts) {
    List<float[]> out = new ArrayList<>();
    for (var e : model.embedAll(texts.stream().map(TextSegment::from).toList()).content()) {
      out.add(Vectors.normalise(e.vector()));
    }
    return out;
  }

  @Test
  void matchesTheReferenceImplementationOfBge() {
    List<float[]> expected = reference(new BgeSmallEnV15QuantizedEmbeddingModel(), TEXTS);
    // One input per batch, as the reference runs: the same tokens, pooling and numbers.
    OnnxEmbedder.Options single = new OnnxEmbedder.Options(Device.CPU, 2, 8192, 1, null);
    try (OnnxEmbedder ours = OnnxEmbedder.load(ModelCatalog.BGE_SMALL_EN_V15, single)) {
      List<float[]> actual = ours.embed(TEXTS, TextKind.PASSAGE);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertThat(actual.get(i)).hasSize(384);
        assertThat(dot(actual.get(i), actual.get(i))).isCloseTo(1.0, within(1e-4));
        assertThat(dot(actual.get(i), expected.get(i))).as(TEXTS.get(i)).isGreaterThan(0.9999);
      }
      assertThat(ours.onGpu()).isFalse();
    }
    // Batched with padding, the int8 model's dynamic quantisation sees other rows: close, not
    // equal.
    OnnxEmbedder.Options batched = new OnnxEmbedder.Options(Device.CPU, 2, 8192, 64, null);
    try (OnnxEmbedder ours = OnnxEmbedder.load(ModelCatalog.BGE_SMALL_EN_V15, batched)) {
      List<float[]> actual = ours.embed(TEXTS, TextKind.PASSAGE);
      for (int i = 0; i < TEXTS.size(); i++) {
        assertThat(dot(actual.get(i), expected.get(i))).as(TEXTS.get(i)).isGreaterThan(0.99);
      }
    }
  }

  @Test
  void appliesE5sPrefixesAndMeanPooling() {
    try (OnnxEmbedder ours =
        OnnxEmbedder.load(ModelCatalog.E5_SMALL_V2, OnnxEmbedder.Options.defaults())) {
      EmbeddingModel reference = new E5SmallV2QuantizedEmbeddingModel();
      float[] passage = ours.embed(List.of(TEXTS.get(0)), TextKind.PASSAGE).get(0);
      float[] query = ours.embed(List.of("what makes ATP?"), TextKind.QUERY).get(0);
      assertThat(dot(passage, reference(reference, List.of("passage: " + TEXTS.get(0))).get(0)))
          .isGreaterThan(0.9999);
      assertThat(dot(query, reference(reference, List.of("query: what makes ATP?")).get(0)))
          .isGreaterThan(0.9999);
    }
  }

  @Test
  void runsMiniLmAndPlacesAQueryNearItsAnswer() {
    try (OnnxEmbedder ours =
        OnnxEmbedder.load(ModelCatalog.ALL_MINILM_L6_V2, OnnxEmbedder.Options.defaults())) {
      List<float[]> passages = ours.embed(TEXTS, TextKind.PASSAGE);
      float[] query = ours.embed(List.of("which organelle makes ATP?"), TextKind.QUERY).get(0);
      assertThat(dot(query, passages.get(0))).isGreaterThan(dot(query, passages.get(2)));
      assertThat(ours.modelId()).isEqualTo("all-minilm-l6-v2-int8");
    }
  }

  @Test
  void truncatesToTheModelsLimitInsteadOfFailing() {
    try (OnnxEmbedder ours =
        OnnxEmbedder.load(ModelCatalog.ALL_MINILM_L6_V2, OnnxEmbedder.Options.defaults())) {
      String longText = "word ".repeat(2000);
      assertThat(ours.countTokens(longText)).isGreaterThan(2000);
      assertThat(ours.embed(List.of(longText), TextKind.PASSAGE).get(0)).hasSize(384);
    }
  }

  @Test
  void refusesCudaWhereThereIsNone() {
    assertThatThrownBy(
            () ->
                OnnxEmbedder.load(
                    ModelCatalog.ALL_MINILM_L6_V2,
                    new OnnxEmbedder.Options(Device.CUDA, 1, 1024, 8, null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("embed.device=cuda");
  }

  @Test
  void namesTheKnownModelsForAnUnknownOne() {
    assertThatThrownBy(() -> ModelCatalog.get("gpt-embed"))
        .hasMessageContaining("bge-small-en-v1.5-int8")
        .hasMessageContaining("e5-small-v2-int8");
  }

  @Test
  void closeWaitsForAnEmbeddingInFlightInsteadOfFreeingTheSessionUnderIt() throws Exception {
    OnnxEmbedder embedder =
        OnnxEmbedder.load(
            ModelCatalog.BGE_SMALL_EN_V15, new OnnxEmbedder.Options(Device.CPU, 2, 0, 0, null));
    String text = "The quick brown fox jumps over the lazy dog. ".repeat(60);
    var looping = new CountDownLatch(1);
    var failure = new AtomicReference<Throwable>();
    Thread worker =
        new Thread(
            () -> {
              try {
                while (true) {
                  embedder.embed(List.of(text, text, text, text), TextKind.PASSAGE);
                  // From the first one on, the worker is inside embed all but an instant between
                  // two calls, so close lands on one in flight (in between, the next call is
                  // refused just the same: the outcome does not hang on when close comes).
                  looping.countDown();
                }
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    worker.start();
    assertThat(looping.await(60, TimeUnit.SECONDS)).as("the worker embedded once").isTrue();
    // Before the lifecycle lock this freed the session under OrtSession.run: SIGSEGV, and the
    // test JVM died.
    embedder.close();
    worker.join(60_000);
    assertThat(failure.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> embedder.embed(List.of("x"), TextKind.PASSAGE))
        .isInstanceOf(IllegalStateException.class);
    embedder.close();
  }
}
