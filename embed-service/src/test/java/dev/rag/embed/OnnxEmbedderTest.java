package dev.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

  private static Embedder embedder;

  @BeforeAll
  static void load() {
    embedder = OnnxEmbedder.load(OnnxEmbedder.BGE_SMALL_EN_V15_INT8, "");
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void producesNormalisedVectorsOfTheModelsDimension() {
    List<float[]> vectors =
        embedder.embed(List.of("a short text", "another one"), TextKind.PASSAGE);

    assertThat(embedder.dimension()).isEqualTo(384);
    assertThat(vectors)
        .hasSize(2)
        .allSatisfy(
            v -> {
              assertThat(v).hasSize(384);
              assertThat(dot(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            });
  }

  @Test
  void placesAQueryNearestToThePassageThatAnswersIt() {
    List<float[]> passages =
        embedder.embed(
            List.of(
                "Mitochondria produce most of the chemical energy of the cell as ATP.",
                "The Treaty of Westphalia ended the Thirty Years' War in 1648.",
                "Photosynthesis in plants converts light into chemical energy."),
            TextKind.PASSAGE);
    float[] query = embedder.embed(List.of("which organelle makes ATP?"), TextKind.QUERY).get(0);

    assertThat(dot(query, passages.get(0)))
        .isGreaterThan(dot(query, passages.get(1)))
        .isGreaterThan(dot(query, passages.get(2)) - 0.0)
        .isGreaterThan(dot(query, passages.get(2)));
  }

  @Test
  void refusesAnUnknownModel() {
    assertThatThrownBy(() -> OnnxEmbedder.load("no-such-model", ""))
        .hasMessageContaining("unknown embedding model 'no-such-model'");
  }
}
