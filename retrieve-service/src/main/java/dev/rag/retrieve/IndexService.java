package dev.rag.retrieve;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Indexing a document version: store its chunks and, once its last part is stored, remove every
 * point of its earlier versions. Until then the old version stays searchable, so a document never
 * disappears while it is being replaced.
 */
@ApplicationScoped
public class IndexService {

  private static final Logger LOG = Logger.getLogger(IndexService.class);

  private final PassageRepository repository;
  private final LexicalEncoder lexical;

  IndexService(PassageRepository repository, LexicalEncoder lexical) {
    this.repository = repository;
    this.lexical = lexical;
  }

  public void apply(EmbeddingBatch batch) {
    DocumentVersion doc = batch.document();
    if (batch.deleted()) {
      repository.deleteDocument(batch.modelId(), doc.tenant(), doc.source(), doc.documentId());
      LOG.debugf("Deleted %s/%s/%s", doc.tenant(), doc.source(), doc.documentId());
      return;
    }
    if (!batch.chunks().isEmpty()) {
      repository.upsert(withLexicalVectors(batch));
    }
    if (batch.lastPart()) {
      repository.deleteOtherVersions(batch.modelId(), doc, doc.version());
    }
    LOG.debugf(
        "Indexed %d chunks of %s/%s/%s version %s (part %d of %d)",
        batch.chunks().size(),
        doc.tenant(),
        doc.source(),
        doc.documentId(),
        doc.version(),
        batch.part() + 1,
        batch.partCount());
  }

  private EmbeddingBatch withLexicalVectors(EmbeddingBatch batch) {
    var chunks =
        batch.chunks().stream()
            .map(c -> c.withLexical(lexical.encodePassage(c.lexicalText())))
            .toList();
    return new EmbeddingBatch(
        batch.document(),
        batch.modelId(),
        batch.dimension(),
        chunks,
        batch.part(),
        batch.partCount(),
        batch.deleted());
  }
}
