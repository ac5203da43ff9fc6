package dev.rag.ingest.mapping;

import dev.rag.ingest.DocumentState;
import dev.rag.ingest.DocumentStatus;

/**
 * The status topic's records ({@code rag.v1.DocumentStatus}) to and from the core's {@link
 * DocumentStatus}; nothing is lost either way.
 */
public final class StatusMapper {

  private StatusMapper() {}

  public static DocumentStatus fromProto(dev.rag.proto.v1.DocumentStatus s) {
    return new DocumentStatus(
        s.getTenant(),
        s.getSource(),
        s.getDocumentId(),
        s.getVersion(),
        fromProto(s.getState()),
        s.getChunks(),
        s.getReason(),
        s.getBytes(),
        s.getStage(),
        s.getModelId(),
        s.getUpdatedAtMs(),
        s.hasSequence() ? s.getSequence() : null,
        new DocumentStatus.Description(s.getTitle(), s.getFormat(), s.getPages()));
  }

  public static dev.rag.proto.v1.DocumentStatus toProto(DocumentStatus s) {
    dev.rag.proto.v1.DocumentStatus.Builder b =
        dev.rag.proto.v1.DocumentStatus.newBuilder()
            .setTenant(s.tenant())
            .setSource(s.source())
            .setDocumentId(s.documentId())
            .setVersion(s.version())
            .setState(toProto(s.state()))
            .setChunks(s.chunks())
            .setReason(s.reason())
            .setBytes(s.bytes())
            .setStage(s.stage())
            .setModelId(s.modelId())
            .setUpdatedAtMs(s.updatedAtMs());
    if (s.description() != null) {
      b.setTitle(s.description().title())
          .setFormat(s.description().format())
          .setPages(s.description().pages());
    }
    if (s.sequence() != null) {
      b.setSequence(s.sequence());
    }
    return b.build();
  }

  public static DocumentState fromProto(dev.rag.proto.v1.DocumentState state) {
    return switch (state) {
      case DOCUMENT_STATE_ACCEPTED -> DocumentState.ACCEPTED;
      case DOCUMENT_STATE_CHUNKED -> DocumentState.CHUNKED;
      case DOCUMENT_STATE_EMBEDDED -> DocumentState.EMBEDDED;
      case DOCUMENT_STATE_INDEXED -> DocumentState.INDEXED;
      case DOCUMENT_STATE_FAILED -> DocumentState.FAILED;
      case DOCUMENT_STATE_DELETED -> DocumentState.DELETED;
      case DOCUMENT_STATE_DELETING -> DocumentState.DELETING;
      case DOCUMENT_STATE_UNSPECIFIED, UNRECOGNIZED -> DocumentState.UNKNOWN;
    };
  }

  public static dev.rag.proto.v1.DocumentState toProto(DocumentState state) {
    return switch (state) {
      case ACCEPTED -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_ACCEPTED;
      case CHUNKED -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_CHUNKED;
      case EMBEDDED -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_EMBEDDED;
      case INDEXED -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_INDEXED;
      case FAILED -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_FAILED;
      case DELETED -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_DELETED;
      case DELETING -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_DELETING;
      case UNKNOWN -> dev.rag.proto.v1.DocumentState.DOCUMENT_STATE_UNSPECIFIED;
    };
  }
}
