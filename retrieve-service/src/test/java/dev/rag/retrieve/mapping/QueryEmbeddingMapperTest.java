package dev.rag.retrieve.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.proto.v1.Vector;
import dev.rag.retrieve.QueryEmbedder.QueryVector;
import org.junit.jupiter.api.Test;

class QueryEmbeddingMapperTest {

  @Test
  void aQueryIsSentAloneAndAsAQuery() {
    EmbedRequest request = QueryEmbeddingMapper.request("where does the quokka live");

    assertThat(request.getTextsList()).containsExactly("where does the quokka live");
    assertThat(request.getKind()).isEqualTo(InputKind.INPUT_KIND_QUERY);
  }

  @Test
  void theFirstVectorIsTheQuerysWithTheModelThatWroteIt() {
    QueryVector vector =
        QueryEmbeddingMapper.vector(
            EmbedResponse.newBuilder()
                .setModelId("bge-small")
                .setDimension(3)
                .addVectors(Vector.newBuilder().addValues(0.5f).addValues(-0.25f).addValues(0f))
                .build());

    assertThat(vector.modelId()).isEqualTo("bge-small");
    assertThat(vector.vector()).containsExactly(0.5f, -0.25f, 0f);
  }

  @Test
  void anEmptyVectorStaysEmpty() {
    QueryVector vector =
        QueryEmbeddingMapper.vector(
            EmbedResponse.newBuilder()
                .setModelId("m")
                .addVectors(Vector.getDefaultInstance())
                .build());

    assertThat(vector.vector()).isEmpty();
  }
}
