package dev.rag.ingest.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How status records of one document combine, whatever order they arrive in. */
class StatusMergeTest {

  private static DocumentStatus status(String version, DocumentState state, long sequence) {
    return DocumentStatus.newBuilder()
        .setTenant("t")
        .setSource("s")
        .setDocumentId("d")
        .setVersion(version)
        .setState(state)
        .setSequence(sequence)
        .build();
  }

  private static DocumentStatus merge(DocumentStatus... records) {
    DocumentStatus current = null;
    for (DocumentStatus r : records) {
      current = StatusMerge.merge(current, r);
    }
    return current;
  }

  @Test
  void aLateReportOfAnEarlierDeletionDoesNotHideTheVersionSentAfterIt() {
    // Delete (sequence 20), upload the same bytes again (30); the deletion's "deleted" arrives
    // late.
    DocumentStatus s =
        merge(
            status("v1", DocumentState.DOCUMENT_STATE_INDEXED, 10),
            status("", DocumentState.DOCUMENT_STATE_DELETING, 20),
            status("v1", DocumentState.DOCUMENT_STATE_ACCEPTED, 30),
            status("", DocumentState.DOCUMENT_STATE_DELETED, 20),
            status("v1", DocumentState.DOCUMENT_STATE_CHUNKED, 30));
    assertThat(s.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_CHUNKED);
    assertThat(s.getSequence()).isEqualTo(30);
  }

  @Test
  void anOlderVersionsReportNeverReplacesANewerVersion() {
    DocumentStatus s =
        merge(
            status("v2", DocumentState.DOCUMENT_STATE_ACCEPTED, 30),
            status("v1", DocumentState.DOCUMENT_STATE_INDEXED, 10),
            status("v1", DocumentState.DOCUMENT_STATE_ACCEPTED, 10));
    assertThat(s.getVersion()).isEqualTo("v2");
    assertThat(s.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_ACCEPTED);
  }

  @Test
  void aDeletionEndsEveryEarlierVersionAndIsEndedByALaterOne() {
    assertThat(
            merge(
                    status("v1", DocumentState.DOCUMENT_STATE_CHUNKED, 10),
                    status("", DocumentState.DOCUMENT_STATE_DELETING, 20),
                    status("v1", DocumentState.DOCUMENT_STATE_INDEXED, 10))
                .getState())
        .isEqualTo(DocumentState.DOCUMENT_STATE_DELETING);
    assertThat(
            merge(
                    status("", DocumentState.DOCUMENT_STATE_DELETING, 20),
                    status("", DocumentState.DOCUMENT_STATE_DELETED, 20))
                .getState())
        .isEqualTo(DocumentState.DOCUMENT_STATE_DELETED);
  }

  @Test
  void oneRecordsStatesOnlyMoveForwardButAFailureIsAlwaysReported() {
    assertThat(
            merge(
                    status("v1", DocumentState.DOCUMENT_STATE_INDEXED, 10),
                    status("v1", DocumentState.DOCUMENT_STATE_CHUNKED, 10))
                .getState())
        .isEqualTo(DocumentState.DOCUMENT_STATE_INDEXED);
    assertThat(
            merge(
                    status("v1", DocumentState.DOCUMENT_STATE_EMBEDDED, 10),
                    status("v1", DocumentState.DOCUMENT_STATE_FAILED, 10))
                .getState())
        .isEqualTo(DocumentState.DOCUMENT_STATE_FAILED);
  }

  @Test
  void anAcceptedPublishedAfterThePipelineReadTheRecordUndoesNothing() {
    // The record is on the topic before its "accepted" is: the consumer may fail it first.
    DocumentStatus failed =
        merge(
            status("v1", DocumentState.DOCUMENT_STATE_FAILED, 10),
            status("v1", DocumentState.DOCUMENT_STATE_ACCEPTED, 10).toBuilder()
                .setBytes(42)
                .build());
    assertThat(failed.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_FAILED);
    assertThat(failed.getBytes()).isEqualTo(42);
    assertThat(
            merge(
                    status("v1", DocumentState.DOCUMENT_STATE_CHUNKED, 10),
                    status("v1", DocumentState.DOCUMENT_STATE_ACCEPTED, 10))
                .getState())
        .isEqualTo(DocumentState.DOCUMENT_STATE_CHUNKED);
  }

  @Test
  void aReportWithoutASequenceFollowsTheVersionItNames() {
    // Written by a stage that does not know the sequence (an older instance, say).
    DocumentStatus embedded =
        status("v1", DocumentState.DOCUMENT_STATE_EMBEDDED, 0).toBuilder().clearSequence().build();
    DocumentStatus s = merge(status("v1", DocumentState.DOCUMENT_STATE_ACCEPTED, 10), embedded);
    assertThat(s.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_EMBEDDED);
    assertThat(s.getSequence()).as("the sequence it belongs to is kept").isEqualTo(10);
    assertThat(
            merge(status("v2", DocumentState.DOCUMENT_STATE_ACCEPTED, 30), embedded).getVersion())
        .isEqualTo("v2");
  }

  @Test
  void whatDescribesAVersionIsKeptByTheStatesAfterItAndNotByTheNextVersion() {
    DocumentStatus described =
        status("v1", DocumentState.DOCUMENT_STATE_CHUNKED, 10).toBuilder()
            .setTitle("A paper")
            .setFormat("pdf")
            .setPages(12)
            .build();
    DocumentStatus s =
        merge(
            described,
            status("v1", DocumentState.DOCUMENT_STATE_ACCEPTED, 10),
            status("v1", DocumentState.DOCUMENT_STATE_EMBEDDED, 10),
            status("v1", DocumentState.DOCUMENT_STATE_INDEXED, 10));
    assertThat(s.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_INDEXED);
    assertThat(List.of(s.getTitle(), s.getFormat(), s.getPages()))
        .containsExactly("A paper", "pdf", 12);
    // A late "accepted" brings the description when the pipeline's reports had none.
    DocumentStatus late =
        merge(
            status("v1", DocumentState.DOCUMENT_STATE_INDEXED, 10),
            described.toBuilder().setState(DocumentState.DOCUMENT_STATE_ACCEPTED).build());
    assertThat(late.getTitle()).isEqualTo("A paper");
    assertThat(late.getState()).isEqualTo(DocumentState.DOCUMENT_STATE_INDEXED);
    // The next version says what it is itself.
    assertThat(merge(s, status("v2", DocumentState.DOCUMENT_STATE_ACCEPTED, 20)).getTitle())
        .isEmpty();
  }
}
