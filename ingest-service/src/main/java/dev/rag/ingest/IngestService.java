package dev.rag.ingest;

import dev.rag.common.Topics;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.kafka.DocumentPublisher;
import dev.rag.ingest.kafka.StatusPublisher;
import dev.rag.ingest.status.DocumentStatusStore;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Accepting a document: validate it, give it a version, and make it durable on the documents topic.
 * Chunking happens later, in the topic's consumer, so every door takes the same path. A version
 * that is already indexed (or on its way) is not published again.
 */
@ApplicationScoped
public class IngestService {

  /** States that prove a version was read from the documents topic by the pipeline. */
  private static final java.util.Set<DocumentState> PAST_THE_DOCUMENTS_TOPIC =
      java.util.EnumSet.of(
          DocumentState.DOCUMENT_STATE_CHUNKED,
          DocumentState.DOCUMENT_STATE_EMBEDDED,
          DocumentState.DOCUMENT_STATE_INDEXED);

  private final DocumentValidator validator;
  private final DocumentPublisher publisher;
  private final StatusPublisher status;
  private final DocumentStatusStore statuses;
  private final TenantContext tenant;
  private final TenantQuotas quotas;

  IngestService(
      IngestConfig config,
      DocumentPublisher publisher,
      StatusPublisher status,
      DocumentStatusStore statuses,
      TenantContext tenant,
      TenantQuotas quotas) {
    IngestConfig.Limits l = config.limits();
    this.validator =
        new DocumentValidator(
            new IngestLimits(
                l.maxDocumentBytes(),
                l.maxIdLength(),
                l.maxTitleLength(),
                l.maxMetadataEntries(),
                l.maxMetadataKeyLength(),
                l.maxMetadataValueLength()));
    this.publisher = publisher;
    this.status = status;
    this.statuses = statuses;
    this.tenant = tenant;
    this.quotas = quotas;
  }

  public DocumentValidator validator() {
    return validator;
  }

  /**
   * Accepts one document for the caller's tenant.
   *
   * @return a receipt once the event is durable (or the version is known already); fails with
   *     {@link InvalidDocumentException} when the document breaks the contract, or {@link
   *     QuotaExceededException} when its tenant has no room for it (nothing is then published)
   */
  public Uni<AcceptedDocument> accept(DocumentSubmission submission) {
    return accept(tenant.current(), submission);
  }

  /**
   * Accepts one document for {@code tenantId}, resolved by the caller beforehand (a caller that
   * accepts several documents in a reactive pipeline resolves it once, on the request's thread).
   */
  public Uni<AcceptedDocument> accept(String tenantId, DocumentSubmission submission) {
    VersionedDocument doc;
    try {
      doc = validator.validate(tenantId, submission, System.currentTimeMillis());
    } catch (InvalidDocumentException e) {
      return Uni.createFrom().failure(e);
    }
    Optional<DocumentStatus> known = statuses.get(doc.key());
    // A no-op only when the pipeline has this version already: "accepted" alone does not prove the
    // document reached the documents topic (a crash between the status and the document leaves
    // exactly that), so it is published again; same version, same point ids, no duplicates.
    if (known.isPresent()
        && known.get().getVersion().equals(doc.version())
        && PAST_THE_DOCUMENTS_TOPIC.contains(known.get().getState())) {
      return Uni.createFrom()
          .item(
              new AcceptedDocument(
                  doc.id(), doc.source(), doc.version(), AcceptedDocument.UNCHANGED, -1, -1));
    }
    try {
      quotas.check(doc);
    } catch (QuotaExceededException e) {
      return Uni.createFrom().failure(e);
    }
    // The status goes first, so that on the status topic "accepted" always precedes what the
    // pipeline reports about this version.
    return status
        .publishAccepted(doc.key(), doc.version(), doc.textBytes())
        .invoke(
            s -> {
              if (s != null) {
                statuses.apply(s);
              }
            })
        .chain(() -> publisher.publish(doc))
        .onFailure()
        .call(
            e ->
                status
                    .publishAsync(
                        doc.key(),
                        doc.version(),
                        DocumentState.DOCUMENT_STATE_FAILED,
                        0,
                        "",
                        "not stored on the documents topic: " + e.getMessage())
                    .invoke(
                        s -> {
                          if (s != null) {
                            statuses.apply(s);
                          }
                        }));
  }

  /** Deletes a document of the caller's tenant: a tombstone on the documents topic. */
  public Uni<Void> delete(String source, String id) {
    String key =
        Topics.documentKey(
            tenant.current(),
            source == null || source.isBlank() ? DocumentValidator.DEFAULT_SOURCE : source,
            id);
    return publisher.publishDeletion(key);
  }

  /** The status of a document of the caller's tenant. */
  public Optional<DocumentStatus> status(String source, String id) {
    return statuses.get(
        Topics.documentKey(
            tenant.current(),
            source == null || source.isBlank() ? DocumentValidator.DEFAULT_SOURCE : source,
            id));
  }
}
