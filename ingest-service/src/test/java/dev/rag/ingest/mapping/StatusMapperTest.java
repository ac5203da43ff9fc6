package dev.rag.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.ingest.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StatusMapperTest {

  @Test
  void aRecordWithEveryFieldSurvivesTheRoundTrip() {
    DocumentStatus record =
        DocumentStatus.newBuilder()
            .setTenant("lab")
            .setSource("papers")
            .setDocumentId("d1")
            .setVersion("v9")
            .setState(dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_INDEXED)
            .setChunks(12)
            .setReason("")
            .setUpdatedAtMs(1_700_000_000_123L)
            .setStage("retrieve")
            .setModelId("bge-small")
            .setSequence(42)
            .setBytes(3456)
            .build();

    dev.rag.ingest.DocumentStatus status = StatusMapper.fromProto(record);

    assertThat(status.state()).isEqualTo(DocumentState.INDEXED);
    assertThat(status.sequence()).isEqualTo(42L);
    assertThat(status.bytes()).isEqualTo(3456);
    assertThat(StatusMapper.toProto(status)).isEqualTo(record);
  }

  @Test
  void aRecordWithoutSequenceKeepsNone() {
    DocumentStatus record =
        DocumentStatus.newBuilder()
            .setTenant("lab")
            .setDocumentId("d1")
            .setState(dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_FAILED)
            .setReason("not stored")
            .build();

    dev.rag.ingest.DocumentStatus status = StatusMapper.fromProto(record);

    assertThat(status.sequence()).isNull();
    assertThat(status.reason()).isEqualTo("not stored");
    assertThat(StatusMapper.toProto(status).hasSequence()).isFalse();
    assertThat(StatusMapper.toProto(status)).isEqualTo(record);
  }

  @ParameterizedTest
  @EnumSource(
      value = dev.rag.proto.v1.DocumentState.class,
      names = {"DOCUMENT_STATE_UNSPECIFIED", "UNRECOGNIZED"},
      mode = EnumSource.Mode.EXCLUDE)
  void everyStateOnTheTopicHasItsOwnCoreStateAndMapsBack(dev.rag.proto.v1.DocumentState wire) {
    DocumentState state = StatusMapper.fromProto(wire);

    assertThat(state).isNotEqualTo(DocumentState.UNKNOWN);
    assertThat(state.label())
        .isEqualTo(wire.name().substring("DOCUMENT_STATE_".length()).toLowerCase());
    assertThat(StatusMapper.toProto(state)).isEqualTo(wire);
  }

  @Test
  void eachCoreStateComesFromOneWireState() {
    long distinct =
        Arrays.stream(DocumentState.values()).map(StatusMapper::toProto).distinct().count();

    assertThat(distinct).isEqualTo(DocumentState.values().length);
  }

  @Test
  void onlyDeletedAndFailedDocumentsLeaveTheQuota() {
    assertThat(Arrays.stream(DocumentState.values()).filter(s -> !s.stored()))
        .containsExactlyInAnyOrder(DocumentState.DELETED, DocumentState.FAILED);
  }
}
