package dev.rag.retrieve;

import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.lexical.LexicalEncoder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Indexing a document version: store its chunks and, once its last part is stored, remove every
 * point of its earlier versions. Until then the old version stays searchable, so a document never
 * disappears while it is being replaced.
 *
 * <p>Events are applied in the order of their sequence (the offset of their record on the documents
 * topic), not of their arrival: an event older than the newest one the model's index applied for
 * the document is ignored, so a replay racing live updates neither brings back an old version nor
 * undoes a deletion. The newest event is recorded ({@link IndexedVersionRepository}) before the
 * points change, so a crash in between leaves a record that the redelivered event matches (equal
 * sequences are applied again, which is idempotent).
 */
@ApplicationScoped
public class IndexService {

  private static final Logger LOG = Logger.getLogger(IndexService.class);

  /** What became of an event. */
  public enum Outcome {
    /** Applied: the index holds what the event says. */
    APPLIED,
    /** Ignored: the index holds a newer version or deletion of the document. */
    SUPERSEDED
  }

  private final PassageRepository repository;
  private final IndexedVersionRepository versions;
  private final LexicalEncoder lexical;
  private final List<String> metadataFields;

  IndexService(
      PassageRepository repository,
      IndexedVersionRepository versions,
      LexicalEncoder lexical,
      RetrieveConfig config) {
    this.repository = repository;
    this.versions = versions;
    this.lexical = lexical;
    this.metadataFields = config.lexical().metadataFields();
  }

  /** Whether the store answers at all: a failure while it does not is never the event's fault. */
  public boolean storeAvailable() {
    return repository.healthy();
  }

  public Outcome apply(EmbeddingBatch batch) {
    DocumentVersion doc = batch.document();
    boolean ordered = doc.ordered() && !batch.modelId().isBlank();
    Optional<IndexedVersion> held =
        ordered
            ? versions.find(batch.modelId(), doc.tenant(), doc.source(), doc.documentId())
            : Optional.empty();
    if (held.isPresent() && doc.sequence() < held.get().sequence()) {
      LOG.debugf(
          "Ignored %s of %s/%s/%s at sequence %d: the index holds sequence %d%s",
          batch.deleted() ? "a deletion" : "version " + doc.version(),
          doc.tenant(),
          doc.source(),
          doc.documentId(),
          doc.sequence(),
          held.get().sequence(),
          held.get().deleted() ? " (a deletion)" : "");
      return Outcome.SUPERSEDED;
    }
    if (ordered && (held.isEmpty() || doc.sequence() > held.get().sequence())) {
      versions.save(
          batch.modelId(),
          batch.dimension(),
          doc.tenant(),
          doc.source(),
          doc.documentId(),
          new IndexedVersion(doc.sequence(), batch.deleted()));
    }
    if (batch.deleted()) {
      repository.deleteDocument(batch.modelId(), doc.tenant(), doc.source(), doc.documentId());
      LOG.debugf("Deleted %s/%s/%s", doc.tenant(), doc.source(), doc.documentId());
      return Outcome.APPLIED;
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
    return Outcome.APPLIED;
  }

  private EmbeddingBatch withLexicalVectors(EmbeddingBatch batch) {
    String facts = searchedMetadata(batch.document());
    var chunks =
        batch.chunks().stream()
            .map(c -> c.withLexical(lexical.encodePassage(c.lexicalText() + facts)))
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

  /** The values of the document's searched metadata fields, each on its own line. */
  private String searchedMetadata(DocumentVersion doc) {
    StringBuilder facts = new StringBuilder();
    for (String field : metadataFields) {
      String value = doc.metadata().get(field.strip());
      if (value != null && !value.isBlank()) {
        facts.append('\n').append(value);
      }
    }
    return facts.toString();
  }
}
