package dev.rag.embed.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.embedding.TextKind;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoResponse;
import dev.rag.proto.v1.InputKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedMapperTest {

  @Test
  void passagesAreEmbeddedAsPassagesAndEverythingElseAsQueries() {
    assertThat(EmbedMapper.kind(InputKind.INPUT_KIND_PASSAGE)).isEqualTo(TextKind.PASSAGE);
    assertThat(EmbedMapper.kind(InputKind.INPUT_KIND_QUERY)).isEqualTo(TextKind.QUERY);
    assertThat(EmbedMapper.kind(InputKind.INPUT_KIND_UNSPECIFIED)).isEqualTo(TextKind.QUERY);
    assertThat(EmbedMapper.kind(InputKind.UNRECOGNIZED)).isEqualTo(TextKind.QUERY);
  }

  @Test
  void vectorsKeepTheirOrderAndEveryValue() {
    EmbedResponse response =
        EmbedMapper.response(
            "bge-small", 3, List.of(new float[] {0.5f, -1f, 0f}, new float[] {1f, 2f, 3f}));

    assertThat(response.getModelId()).isEqualTo("bge-small");
    assertThat(response.getDimension()).isEqualTo(3);
    assertThat(response.getVectorsCount()).isEqualTo(2);
    assertThat(response.getVectors(0).getValuesList()).containsExactly(0.5f, -1f, 0f);
    assertThat(response.getVectors(1).getValuesList()).containsExactly(1f, 2f, 3f);
  }

  @Test
  void noVectorsGiveAnEmptyResponseThatStillNamesTheModel() {
    EmbedResponse response = EmbedMapper.response("m", 384, List.of());

    assertThat(response.getVectorsList()).isEmpty();
    assertThat(response.getModelId()).isEqualTo("m");
    assertThat(response.getDimension()).isEqualTo(384);
  }

  @Test
  void infoSaysWhereTheModelRuns() {
    InfoResponse remote = EmbedMapper.info("m", 768, "remote");

    assertThat(remote.getModelId()).isEqualTo("m");
    assertThat(remote.getDimension()).isEqualTo(768);
    assertThat(remote.getDevice()).isEqualTo("remote");
  }
}
