package dev.rag.generate.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.generate.PassageRetriever.SourceSummary;
import dev.rag.generate.RetrievedPassage;
import dev.rag.proto.v1.Passage;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.Scores;
import dev.rag.proto.v1.SourceStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrievalMapperTest {

  @Test
  void aSearchNamesTheTenantAndLeavesTheModeToRetrieval() {
    RetrieveRequest request =
        RetrievalMapper.request("lab-a", "replication", 5, List.of("wiki", "faq"));

    assertThat(request.getTenant()).isEqualTo("lab-a");
    assertThat(request.getQuery()).isEqualTo("replication");
    assertThat(request.getTopK()).isEqualTo(5);
    assertThat(request.getSourcesList()).containsExactly("wiki", "faq");
    assertThat(request.hasHybrid()).isFalse();
    assertThat(request.hasRerank()).isFalse();
    assertThat(RetrievalMapper.request("t", "q", 0, List.of()).getSourcesList()).isEmpty();
  }

  @Test
  void aFoundPassageKeepsItsFieldsAndItsFinalScore() {
    Passage found =
        Passage.newBuilder()
            .setSource("wiki")
            .setDocumentId("d1")
            .setTitle("Replication")
            .setSection("Intro")
            .setChunkIndex(3)
            .setText("Each partition...")
            .setScores(Scores.newBuilder().setDense(0.9).setFused(0.8).setFinal(0.75))
            .setPageStart(2)
            .setPageEnd(4)
            .build();

    assertThat(RetrievalMapper.passage(found))
        .isEqualTo(
            new RetrievedPassage(
                "wiki", "d1", "Replication", "Intro", 3, "Each partition...", 0.75, 2, 4));
    assertThat(RetrievalMapper.passage(Passage.getDefaultInstance()))
        .isEqualTo(new RetrievedPassage("", "", "", "", 0, "", 0.0, 0, 0));
  }

  @Test
  void aSourceKeepsItsCounts() {
    assertThat(
            RetrievalMapper.source(
                SourceStats.newBuilder().setSource("wiki").setDocuments(3).setPassages(40).build()))
        .isEqualTo(new SourceSummary("wiki", 3, 40));
  }
}
