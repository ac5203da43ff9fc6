package dev.rag.retrieve.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RerankTest {

  private static Passage passage(String id, String doc, String text, double dense, double sparse) {
    Scores s = Scores.NONE.withDense(dense).withSparse(sparse);
    return new Passage(id, "t", "s", doc, "v", 0, "", "", text, Map.of(), s, 0, 0);
  }

  @Test
  void evidenceRerankerRewardsQueryPhrasesAndSiblingChunks() {
    List<Passage> ranked =
        List.of(
            passage("1", "x", "the vitamin is deficient in d", 0, 0)
                .withScores(Scores.NONE.withFinal(0.50)),
            passage("2", "y", "vitamin d deficiency causes rickets", 0, 0)
                .withScores(Scores.NONE.withFinal(0.48)),
            passage("3", "z", "unrelated", 0, 0).withScores(Scores.NONE.withFinal(0.47)),
            passage("4", "z", "also unrelated", 0, 0).withScores(Scores.NONE.withFinal(0.40)));

    List<Passage> byPhrase = new EvidenceReranker(0, 0.1).rerank("vitamin d deficiency", ranked);
    assertThat(byPhrase.get(0).pointId()).isEqualTo("2");
    // "vitamin d" and "d deficiency": both pairs found, proximity 1.
    assertThat(byPhrase.get(0).scores().rerank()).isCloseTo(0.48 + 0.1, within(1e-9));

    List<Passage> byContext = new EvidenceReranker(0.2, 0).rerank("anything", ranked);
    // Passage 3's sibling (0.40) lifts it: 0.47 + 0.08 = 0.55 > 0.50.
    assertThat(byContext.get(0).pointId()).isEqualTo("3");
  }
}
