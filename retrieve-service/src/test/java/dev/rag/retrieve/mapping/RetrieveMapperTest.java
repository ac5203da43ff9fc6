package dev.rag.retrieve.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.proto.v1.Filter;
import dev.rag.proto.v1.HybridOptions;
import dev.rag.proto.v1.RerankOptions;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.StatsResponse;
import dev.rag.retrieve.PassageFilter;
import dev.rag.retrieve.PassageRepository.SourceCount;
import dev.rag.retrieve.RetrievalMode;
import dev.rag.retrieve.RetrievalQuery;
import dev.rag.retrieve.RetrieveService;
import dev.rag.retrieve.model.FusionMethod;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.model.Scores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrieveMapperTest {

  @Test
  void everyFieldOfARequestReachesTheQuery() {
    RetrieveRequest request =
        RetrieveRequest.newBuilder()
            .setTenant("named-in-request")
            .setQuery("how are partitions replicated")
            .setTopK(7)
            .addSources("kafka-docs")
            .addSources("wiki")
            .setMode(dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_HYBRID)
            .putSourceWeights("wiki", 0.5)
            .setFilter(Filter.newBuilder().addDocumentIds("d1").putMetadata("lang", "en"))
            .setHybrid(
                HybridOptions.newBuilder()
                    .setFusion(dev.rag.proto.v1.FusionMethod.FUSION_METHOD_RRF)
                    .setDenseWeight(0.3)
                    .setDepth(40))
            .setRerank(
                RerankOptions.newBuilder()
                    .setDisabled(true)
                    .setContextWeight(0.2)
                    .setProximityWeight(0.1))
            .build();

    RetrievalQuery query = RetrieveMapper.query(request, "lab-a");

    assertThat(query.tenant()).isEqualTo("lab-a");
    assertThat(query.text()).isEqualTo("how are partitions replicated");
    assertThat(query.topK()).isEqualTo(7);
    assertThat(query.sources()).containsExactly("kafka-docs", "wiki");
    assertThat(query.mode()).isEqualTo(RetrievalMode.HYBRID);
    assertThat(query.sourceWeights()).containsExactly(Map.entry("wiki", 0.5));
    assertThat(query.filter().documentIds()).containsExactly("d1");
    assertThat(query.filter().metadata()).containsExactly(Map.entry("lang", "en"));
    assertThat(query.hybrid().fusion()).isEqualTo(FusionMethod.RRF);
    assertThat(query.hybrid().denseWeight()).isEqualTo(0.3);
    assertThat(query.hybrid().depth()).isEqualTo(40);
    assertThat(query.rerank().disabled()).isTrue();
    assertThat(query.rerank().contextWeight()).isEqualTo(0.2);
    assertThat(query.rerank().proximityWeight()).isEqualTo(0.1);
  }

  @Test
  void anEmptyRequestLeavesEveryOptionAtItsDefault() {
    RetrievalQuery query = RetrieveMapper.query(RetrieveRequest.getDefaultInstance(), "t");

    assertThat(query.text()).isEmpty();
    assertThat(query.topK()).isZero();
    assertThat(query.sources()).isEmpty();
    assertThat(query.mode()).isEqualTo(RetrievalMode.FULL);
    assertThat(query.sourceWeights()).isEmpty();
    assertThat(query.filter()).isEqualTo(PassageFilter.NONE);
    assertThat(query.hybrid()).isNull();
    assertThat(query.rerank()).isNull();
  }

  @Test
  void unsetOptionalWeightsAndFusionMeanTheConfiguredDefaults() {
    RetrieveRequest request =
        RetrieveRequest.newBuilder()
            .setHybrid(HybridOptions.newBuilder().setDepth(10))
            .setRerank(RerankOptions.getDefaultInstance())
            .build();

    RetrievalQuery query = RetrieveMapper.query(request, "t");

    assertThat(query.hybrid().fusion()).isNull();
    assertThat(query.hybrid().denseWeight()).isNaN();
    assertThat(query.hybrid().depth()).isEqualTo(10);
    assertThat(query.rerank().disabled()).isFalse();
    assertThat(query.rerank().contextWeight()).isNaN();
    assertThat(query.rerank().proximityWeight()).isNaN();
  }

  @Test
  void everyModeMapsBothWays() {
    for (RetrievalMode mode : RetrievalMode.values()) {
      assertThat(RetrieveMapper.mode(RetrieveMapper.toProto(mode))).isEqualTo(mode);
    }
    assertThat(RetrieveMapper.mode(dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_UNSPECIFIED))
        .isEqualTo(RetrievalMode.FULL);
  }

  @Test
  void aResultKeepsItsPassagesInOrderWithEveryScore() {
    Passage first =
        new Passage(
            "p1",
            "lab-a",
            "wiki",
            "d1",
            "v2",
            3,
            "Replication",
            "Intro > Replicas",
            "Each partition has replicas.",
            Map.of("lang", "en"),
            new Scores(0.9, 12.5, 0.8, 0.7, 0.75),
            4,
            5);
    Passage second =
        new Passage("p2", "lab-a", "wiki", "d2", "v1", 0, "", "", "x", Map.of(), Scores.NONE, 0, 0);

    RetrieveResponse response =
        RetrieveMapper.response(
            new RetrieveService.Result("bge-small", RetrievalMode.DENSE, List.of(first, second)));

    assertThat(response.getModelId()).isEqualTo("bge-small");
    assertThat(response.getMode()).isEqualTo(dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_DENSE);
    assertThat(response.getPassagesList())
        .extracting(dev.rag.proto.v1.Passage::getPointId)
        .containsExactly("p1", "p2");
    dev.rag.proto.v1.Passage p = response.getPassages(0);
    assertThat(p.getTenant()).isEqualTo("lab-a");
    assertThat(p.getSource()).isEqualTo("wiki");
    assertThat(p.getDocumentId()).isEqualTo("d1");
    assertThat(p.getVersion()).isEqualTo("v2");
    assertThat(p.getChunkIndex()).isEqualTo(3);
    assertThat(p.getTitle()).isEqualTo("Replication");
    assertThat(p.getSection()).isEqualTo("Intro > Replicas");
    assertThat(p.getText()).isEqualTo("Each partition has replicas.");
    assertThat(p.getMetadataMap()).containsExactly(Map.entry("lang", "en"));
    assertThat(p.getPageStart()).isEqualTo(4);
    assertThat(p.getPageEnd()).isEqualTo(5);
    assertThat(p.getScores().getDense()).isEqualTo(0.9);
    assertThat(p.getScores().getSparse()).isEqualTo(12.5);
    assertThat(p.getScores().getFused()).isEqualTo(0.8);
    assertThat(p.getScores().getRerank()).isEqualTo(0.7);
    assertThat(p.getScores().getFinal()).isEqualTo(0.75);
  }

  @Test
  void noPassagesGiveAnEmptyResponseThatStillNamesTheModel() {
    RetrieveResponse response =
        RetrieveMapper.response(new RetrieveService.Result("m", RetrievalMode.FULL, List.of()));

    assertThat(response.getPassagesList()).isEmpty();
    assertThat(response.getModelId()).isEqualTo("m");
    assertThat(response.getMode()).isEqualTo(dev.rag.proto.v1.RetrievalMode.RETRIEVAL_MODE_FULL);
  }

  @Test
  void statsListEachSourceWithItsCounts() {
    StatsResponse stats =
        RetrieveMapper.stats(List.of(new SourceCount("wiki", 3, 40), new SourceCount("faq", 1, 2)));

    assertThat(stats.getSourcesList())
        .extracting(s -> s.getSource() + ":" + s.getDocuments() + ":" + s.getPassages())
        .containsExactly("wiki:3:40", "faq:1:2");
    assertThat(RetrieveMapper.stats(List.of()).getSourcesList()).isEmpty();
  }
}
