package dev.rag.retrieve.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rag.retrieve.model.FusionMethod;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FusionTest {

  private static Passage p(String id, String source, String doc, String text) {
    return new Passage(id, "t", source, doc, "v", 0, "", "", text, Map.of(), Scores.NONE, 0, 0);
  }

  private static Passage dense(String id, double score) {
    return p(id, "s", id, id).withScores(Scores.NONE.withDense(score));
  }

  private static Passage sparse(String id, double score) {
    return p(id, "s", id, id).withScores(Scores.NONE.withSparse(score));
  }

  @Test
  void minMaxFusionWeighsNormalisedSignals() {
    List<Passage> fused =
        HybridFusion.fuse(
            List.of(dense("a", 0.9), dense("b", 0.7), dense("c", 0.5)),
            List.of(sparse("c", 12), sparse("d", 4)),
            FusionMethod.MIN_MAX,
            0.5);

    // a: 0.5*1 = 0.5; b: 0.5*0.5 = 0.25; c: 0.5*0 + 0.5*1 = 0.5; d: 0
    assertThat(fused).extracting(Passage::pointId).containsExactly("a", "c", "b", "d");
    Passage c = fused.get(1);
    assertThat(c.scores().dense()).isEqualTo(0.5);
    assertThat(c.scores().sparse()).isEqualTo(12);
    assertThat(c.scores().fused()).isCloseTo(0.5, within(1e-9));
    assertThat(fused.get(2).scores().fused()).isCloseTo(0.25, within(1e-9));
    assertThat(fused.get(3).scores().fused()).isZero();
  }

  @Test
  void reciprocalRankFusionUsesRanksOnly() {
    List<Passage> fused =
        HybridFusion.fuse(
            List.of(dense("a", 0.9), dense("b", 0.1)),
            List.of(sparse("b", 100), sparse("a", 99)),
            FusionMethod.RRF,
            0.5);
    // Both appear at ranks 1 and 2: equal fused scores 0.5/61 + 0.5/62.
    assertThat(fused.get(0).scores().fused())
        .isCloseTo(0.5 / 61 + 0.5 / 62, within(1e-12))
        .isCloseTo(fused.get(1).scores().fused(), within(1e-12));
  }

  @Test
  void distributionBasedFusionClipsToThreeStandardDeviations() {
    double[] out = HybridFusion.normalise(new double[] {3, 2, 1}, FusionMethod.DBSF);
    // mean 2, sd sqrt(2/3); range [2 - 3sd, 2 + 3sd]
    double sd = Math.sqrt(2.0 / 3);
    assertThat(out[0]).isCloseTo((3 - (2 - 3 * sd)) / (6 * sd), within(1e-12));
    assertThat(out[1]).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void pooledNormalisationKeepsSourcesComparableAndWeightsApply() {
    var papers =
        new SourceFusion.SourceHits(
            "papers",
            List.of(p("p1", "papers", "p1", "x").withScores(Scores.NONE.withDense(0.9))),
            List.of());
    var web =
        new SourceFusion.SourceHits(
            "web",
            List.of(p("w1", "web", "w1", "y").withScores(Scores.NONE.withDense(0.3))),
            List.of());
    List<Passage> pooled =
        SourceFusion.fuse(
            List.of(papers, web),
            Map.of(),
            FusionMethod.MIN_MAX,
            1.0,
            SourceFusion.Normalization.POOLED,
            100,
            false);
    assertThat(pooled).extracting(Passage::pointId).containsExactly("p1", "w1");
    assertThat(pooled.get(1).scores().finalScore()).isZero();

    // Per source, each source's best passage is lifted to 1: the weak web passage ties the paper.
    List<Passage> perSource =
        SourceFusion.fuse(
            List.of(papers, web),
            Map.of(),
            FusionMethod.MIN_MAX,
            1.0,
            SourceFusion.Normalization.PER_SOURCE,
            100,
            false);
    assertThat(perSource.get(1).scores().finalScore()).isEqualTo(1.0);

    List<Passage> weighted =
        SourceFusion.fuse(
            List.of(papers, web),
            Map.of("papers", 0.1, "web", 1.0),
            FusionMethod.MIN_MAX,
            1.0,
            SourceFusion.Normalization.PER_SOURCE,
            100,
            false);
    assertThat(weighted).extracting(Passage::pointId).containsExactly("w1", "p1");
    assertThat(weighted.get(1).scores().finalScore()).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void pooledFusionOfSplitSourcesEqualsFusionOfOneSource() {
    Random random = new Random(7);
    List<Passage> dense = new ArrayList<>();
    List<Passage> sparse = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String source = "s" + (i % 3);
      Passage p = p("p" + i, source, "d" + i, "t");
      if (random.nextBoolean()) {
        dense.add(p.withScores(Scores.NONE.withDense(random.nextDouble())));
      }
      if (random.nextBoolean()) {
        sparse.add(p.withScores(Scores.NONE.withSparse(10 * random.nextDouble())));
      }
    }
    dense.sort(Comparator.comparingDouble((Passage p) -> p.scores().dense()).reversed());
    sparse.sort(Comparator.comparingDouble((Passage p) -> p.scores().sparse()).reversed());
    int depth = 10;
    List<Passage> single =
        HybridFusion.fuse(
            dense.subList(0, depth), sparse.subList(0, depth), FusionMethod.MIN_MAX, 0.6);

    List<SourceFusion.SourceHits> split = new ArrayList<>();
    for (String source : List.of("s0", "s1", "s2")) {
      // Each source's own top `depth`, as a per-source search returns them.
      split.add(
          new SourceFusion.SourceHits(
              source,
              dense.stream().filter(p -> p.source().equals(source)).limit(depth).toList(),
              sparse.stream().filter(p -> p.source().equals(source)).limit(depth).toList()));
    }
    List<Passage> pooled =
        SourceFusion.fuse(
            split,
            Map.of(),
            FusionMethod.MIN_MAX,
            0.6,
            SourceFusion.Normalization.POOLED,
            depth,
            false);

    assertThat(pooled)
        .extracting(Passage::pointId)
        .containsExactlyElementsOf(single.stream().map(Passage::pointId).toList());
    for (int i = 0; i < single.size(); i++) {
      assertThat(pooled.get(i).scores().fused())
          .isCloseTo(single.get(i).scores().fused(), within(1e-12));
    }
  }

  @Test
  void pooledCompletedListsKeepEitherSignalsBestWithBothOfTheirScores() {
    // Each source's lists hold both scores of its candidates: its own best one per signal (depth
    // 1) and, completed, the other signal's score of the other list's candidate.
    Passage a1 = p("a1", "A", "a1", "t");
    Passage a2 = p("a2", "A", "a2", "t");
    Passage b1 = p("b1", "B", "b1", "t");
    Passage b2 = p("b2", "B", "b2", "t");
    List<SourceFusion.SourceHits> sources =
        List.of(
            new SourceFusion.SourceHits(
                "A",
                List.of(
                    a1.withScores(Scores.NONE.withDense(0.9)),
                    a2.withScores(Scores.NONE.withDense(0.5))),
                List.of(
                    a2.withScores(Scores.NONE.withSparse(8)),
                    a1.withScores(Scores.NONE.withSparse(1)))),
            new SourceFusion.SourceHits(
                "B",
                List.of(
                    b1.withScores(Scores.NONE.withDense(0.8)),
                    b2.withScores(Scores.NONE.withDense(0.1))),
                List.of(
                    b2.withScores(Scores.NONE.withSparse(9)),
                    b1.withScores(Scores.NONE.withSparse(0)))));
    List<Passage> fused =
        SourceFusion.fuse(
            sources,
            Map.of(),
            FusionMethod.MIN_MAX,
            0.6,
            SourceFusion.Normalization.POOLED,
            1,
            true);
    // The pool's best dense is a1, its best lexical b2: one search over both sources would have
    // returned just those two, and each is fused on both of its real scores.
    assertThat(fused).extracting(Passage::pointId).containsExactly("a1", "b2");
    assertThat(fused.get(0).scores().sparse()).isEqualTo(1);
    assertThat(fused.get(1).scores().dense()).isEqualTo(0.1);
    // Dense 0.9 / 0.1 and lexical 1 / 9 normalise to 1 / 0 and 0 / 1.
    assertThat(fused.get(0).scores().fused()).isCloseTo(0.6, within(1e-12));
    assertThat(fused.get(1).scores().fused()).isCloseTo(0.4, within(1e-12));
  }

  @Test
  void collapsesNearDuplicatesKeepingTheBetterRanked() {
    List<Passage> ranked =
        List.of(
            p("1", "papers", "a", "Kafka brokers replicate partitions across the cluster."),
            p("2", "web", "b", "Kafka brokers replicate the partitions across a cluster!"),
            p("3", "web", "c", "Qdrant stores vectors."));
    assertThat(NearDuplicates.collapse(ranked, 0.9, 10))
        .extracting(Passage::pointId)
        .containsExactly("1", "3");
  }

  @Test
  void capsPassagesPerDocumentAndPrefersNovelty() {
    List<Passage> ranked =
        List.of(
            p("1", "s", "long", "alpha beta gamma").withScores(Scores.NONE.withFinal(1.0)),
            p("2", "s", "long", "alpha beta delta").withScores(Scores.NONE.withFinal(0.95)),
            p("3", "s", "long", "alpha epsilon zeta").withScores(Scores.NONE.withFinal(0.9)),
            p("4", "s", "other", "omega psi chi").withScores(Scores.NONE.withFinal(0.5)));

    assertThat(new Diversifier(1.0, 2, 0.0).diversify(ranked, 3))
        .extracting(Passage::pointId)
        .containsExactly("1", "2", "4");
    assertThat(new Diversifier(0.3, 3, 0.5).diversify(ranked, 2))
        .extracting(Passage::pointId)
        .containsExactly("1", "4");
  }
}
