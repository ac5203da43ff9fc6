package dev.rag.embed.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddingsEvent;
import org.junit.jupiter.api.Test;

class ChunkEventsMapperTest {

  private static final DocumentHeader HEADER =
      DocumentHeader.newBuilder()
          .setTenant("lab-a")
          .setSource("wiki")
          .setDocumentId("d1")
          .setVersion("v2")
          .setSequence(7)
          .build();

  private static final ChunksEvent EVENT =
      ChunksEvent.newBuilder()
          .setHeader(HEADER)
          .addChunks(Chunk.newBuilder().setIndex(0).setText("First.").setEmbeddingText("T\nFirst."))
          .addChunks(Chunk.newBuilder().setIndex(1).setText("Second."))
          .setPart(1)
          .setPartCount(2)
          .setTotalChunks(4)
          .build();

  @Test
  void aRecordIsReadWithItsHeader() {
    assertThat(ChunkEventsMapper.event(EVENT.toByteArray())).isEqualTo(EVENT);
  }

  @Test
  void unreadableRecordsAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> ChunkEventsMapper.event(null)).hasMessageContaining("tombstones");
    assertThatThrownBy(() -> ChunkEventsMapper.event(new byte[] {(byte) 0xff, 0x01}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a protobuf rag.v1.ChunksEvent");
    assertThatThrownBy(() -> ChunkEventsMapper.event(new byte[0]))
        .hasMessageContaining("no header or tenant");
    assertThatThrownBy(
            () ->
                ChunkEventsMapper.event(
                    ChunksEvent.newBuilder()
                        .setHeader(DocumentHeader.newBuilder().setSource("wiki"))
                        .build()
                        .toByteArray()))
        .hasMessageContaining("no header or tenant");
  }

  @Test
  void eachChunkIsEmbeddedByItsEmbeddingTextElseItsText() {
    assertThat(ChunkEventsMapper.texts(EVENT)).containsExactly("T\nFirst.", "Second.");
    assertThat(ChunkEventsMapper.texts(EVENT.toBuilder().setDeleted(true).build())).isEmpty();
    assertThat(ChunkEventsMapper.texts(ChunksEvent.getDefaultInstance())).isEmpty();
  }

  @Test
  void theEmbeddingsEventCarriesEveryChunkWithItsVectorAndTheHeaderUnchanged() {
    EmbeddingsEvent out =
        ChunkEventsMapper.embeddings(
            EVENT, "bge-small", 2, new float[][] {{0.5f, -0.5f}, {1f, 0f}});

    assertThat(out.getHeader()).isEqualTo(HEADER);
    assertThat(out.getModelId()).isEqualTo("bge-small");
    assertThat(out.getDimension()).isEqualTo(2);
    assertThat(out.getPart()).isEqualTo(1);
    assertThat(out.getPartCount()).isEqualTo(2);
    assertThat(out.getTotalChunks()).isEqualTo(4);
    assertThat(out.getDeleted()).isFalse();
    assertThat(out.getChunks(0).getChunk()).isEqualTo(EVENT.getChunks(0));
    assertThat(out.getChunks(0).getVectorList()).containsExactly(0.5f, -0.5f);
    assertThat(out.getChunks(1).getChunk()).isEqualTo(EVENT.getChunks(1));
    assertThat(out.getChunks(1).getVectorList()).containsExactly(1f, 0f);
  }

  @Test
  void aDeletionPassesThroughWithoutChunks() {
    ChunksEvent deletion =
        ChunksEvent.newBuilder().setHeader(HEADER).setDeleted(true).setPartCount(1).build();

    EmbeddingsEvent out = ChunkEventsMapper.embeddings(deletion, "m", 384, new float[0][]);

    assertThat(out.getDeleted()).isTrue();
    assertThat(out.getChunksList()).isEmpty();
    assertThat(out.getHeader()).isEqualTo(HEADER);
  }
}
