package dev.rag.retrieve.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.retrieve.DocumentVersion;
import dev.rag.retrieve.EmbeddingBatch;
import dev.rag.retrieve.IndexedChunk;
import dev.rag.retrieve.InvalidEventException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddingsEventMapperTest {

  private static DocumentHeader.Builder header() {
    return DocumentHeader.newBuilder().setTenant("lab-a").setSource("wiki").setDocumentId("d1");
  }

  @Test
  void everyFieldOfAnEventReachesTheBatch() {
    EmbeddingsEvent event =
        EmbeddingsEvent.newBuilder()
            .setHeader(
                header()
                    .setVersion("v3")
                    .setTitle("Replication")
                    .putMetadata("lang", "en")
                    .setAcceptedAtMs(1_700_000_000_000L)
                    .setSequence(42))
            .setModelId("bge-small")
            .setDimension(2)
            .addChunks(
                EmbeddedChunk.newBuilder()
                    .setChunk(
                        Chunk.newBuilder()
                            .setIndex(5)
                            .setText("Each partition has replicas.")
                            .setEmbeddingText("Replication\nEach partition has replicas.")
                            .setSection("Intro")
                            .setPageStart(2)
                            .setPageEnd(3))
                    .addVector(0.25f)
                    .addVector(-0.5f))
            .setPart(1)
            .setPartCount(3)
            .build();

    EmbeddingBatch batch = EmbeddingsEventMapper.batch(event.toByteArray());

    assertThat(batch.document())
        .isEqualTo(
            new DocumentVersion(
                "lab-a",
                "wiki",
                "d1",
                "v3",
                "Replication",
                Map.of("lang", "en"),
                1_700_000_000_000L,
                42));
    assertThat(batch.modelId()).isEqualTo("bge-small");
    assertThat(batch.dimension()).isEqualTo(2);
    assertThat(batch.part()).isEqualTo(1);
    assertThat(batch.partCount()).isEqualTo(3);
    assertThat(batch.deleted()).isFalse();
    assertThat(batch.lastPart()).isFalse();
    IndexedChunk chunk = batch.chunks().get(0);
    assertThat(chunk.index()).isEqualTo(5);
    assertThat(chunk.text()).isEqualTo("Each partition has replicas.");
    assertThat(chunk.section()).isEqualTo("Intro");
    assertThat(chunk.lexicalText()).isEqualTo("Replication\nEach partition has replicas.");
    assertThat(chunk.vector()).containsExactly(0.25f, -0.5f);
    assertThat(chunk.lexical()).isNull();
    assertThat(chunk.pageStart()).isEqualTo(2);
    assertThat(chunk.pageEnd()).isEqualTo(3);
  }

  @Test
  void missingOptionalFieldsGetTheirDefaults() {
    EmbeddingsEvent event =
        EmbeddingsEvent.newBuilder()
            .setHeader(header())
            .setModelId("m")
            .setDimension(1)
            .addChunks(
                EmbeddedChunk.newBuilder().setChunk(Chunk.newBuilder().setText("t")).addVector(1f))
            .build();

    EmbeddingBatch batch = EmbeddingsEventMapper.batch(event.toByteArray());

    assertThat(batch.document().sequence()).isEqualTo(DocumentVersion.UNORDERED);
    assertThat(batch.partCount()).isEqualTo(1);
    assertThat(batch.lastPart()).isTrue();
    assertThat(batch.chunks().get(0).lexicalText()).isEqualTo("t");
  }

  @Test
  void aDeletionNeedsNoModelAndCarriesNoChunks() {
    EmbeddingBatch batch =
        EmbeddingsEventMapper.batch(
            EmbeddingsEvent.newBuilder()
                .setHeader(header())
                .setDeleted(true)
                .build()
                .toByteArray());

    assertThat(batch.deleted()).isTrue();
    assertThat(batch.chunks()).isEmpty();
  }

  @Test
  void unusableEventsAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> EmbeddingsEventMapper.batch(null))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("tombstones");
    assertThatThrownBy(() -> EmbeddingsEventMapper.batch(new byte[] {(byte) 0xff, 0x01}))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("not a protobuf");
    assertThatThrownBy(
            () ->
                EmbeddingsEventMapper.batch(
                    EmbeddingsEvent.newBuilder()
                        .setHeader(DocumentHeader.newBuilder().setTenant("t"))
                        .build()
                        .toByteArray()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("lacks tenant, source or document id");
    assertThatThrownBy(
            () ->
                EmbeddingsEventMapper.batch(
                    EmbeddingsEvent.newBuilder().setHeader(header()).build().toByteArray()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("model id or dimension");
    assertThatThrownBy(
            () ->
                EmbeddingsEventMapper.batch(
                    EmbeddingsEvent.newBuilder()
                        .setHeader(header().setSequence(-2))
                        .setModelId("m")
                        .setDimension(1)
                        .build()
                        .toByteArray()))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("negative sequence");
  }
}
