package dev.rag.ingest.mapping;

import dev.rag.ingest.TextChunk;
import dev.rag.ingest.VersionedDocument;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.Document;
import dev.rag.proto.v1.DocumentEvent;
import dev.rag.proto.v1.DocumentHeader;

/** Domain documents and chunks to and from the rag.v1 event messages. */
public final class EventMapper {

  private EventMapper() {}

  public static DocumentEvent toEvent(VersionedDocument doc) {
    return DocumentEvent.newBuilder()
        .setTenant(doc.tenant())
        .setVersion(doc.version())
        .setAcceptedAtMs(doc.acceptedAtMillis())
        .setDocument(
            Document.newBuilder()
                .setId(doc.id())
                .setSource(doc.source())
                .setTitle(doc.title())
                .setText(doc.text())
                .setContentType(doc.contentType())
                .putAllMetadata(doc.metadata()))
        .build();
  }

  public static VersionedDocument fromEvent(DocumentEvent event) {
    Document d = event.getDocument();
    return new VersionedDocument(
        event.getTenant(),
        d.getId(),
        d.getSource(),
        d.getTitle(),
        d.getText(),
        d.getContentType(),
        d.getMetadataMap(),
        event.getVersion(),
        event.getAcceptedAtMs());
  }

  /**
   * The header of every event about the version.
   *
   * @param sequence the offset of the version's record on the documents topic
   */
  public static DocumentHeader header(VersionedDocument doc, long sequence) {
    return DocumentHeader.newBuilder()
        .setSequence(sequence)
        .setTenant(doc.tenant())
        .setSource(doc.source())
        .setDocumentId(doc.id())
        .setVersion(doc.version())
        .setTitle(doc.title())
        .putAllMetadata(doc.metadata())
        .setAcceptedAtMs(doc.acceptedAtMillis())
        .build();
  }

  public static Chunk toChunk(TextChunk chunk) {
    return Chunk.newBuilder()
        .setIndex(chunk.index())
        .setText(chunk.text())
        .setEmbeddingText(chunk.embeddingText())
        .setSection(chunk.section())
        .setStartOffset(chunk.startOffset())
        .setEndOffset(chunk.endOffset())
        .setPageStart(chunk.pageStart())
        .setPageEnd(chunk.pageEnd())
        .build();
  }
}
