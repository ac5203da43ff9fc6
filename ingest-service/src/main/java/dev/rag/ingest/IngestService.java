package dev.rag.ingest;

import dev.rag.common.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Accepting a document: validate it, give it a version, and make it durable on the documents topic.
 * Chunking happens later, in the topic's consumer, so every door takes the same path. A version
 * that is already indexed (or on its way) is not published again, unless the document was deleted
 * since. The tenant is the caller's, resolved by the door from its identity.
 */
@ApplicationScoped
public class IngestService {

  /** States that prove a version was read from the documents topic by the pipeline. */
  private static final Set<DocumentState> PAST_THE_DOCUMENTS_TOPIC =
      EnumSet.of(DocumentState.CHUNKED, DocumentState.EMBEDDED, DocumentState.INDEXED);

  private final DocumentValidator validator;
  private final DocumentPublisher publisher;
  private final StatusReporter status;
  private final StatusStore statuses;
  private final TenantQuotas quotas;

  IngestService(
      DocumentValidator validator,
      DocumentPublisher publisher,
      StatusReporter status,
      StatusStore statuses,
      TenantQuotas quotas) {
    this.validator = validator;
    this.publisher = publisher;
    this.status = status;
    this.statuses = statuses;
    this.quotas = quotas;
  }

  /**
   * Accepts one document for {@code tenantId}.
   *
   * @return a receipt once the event is durable (or the version is known already); fails with
   *     {@link InvalidDocumentException} when the document breaks the contract, or {@link
   *     QuotaExceededException} when its tenant has no room for it (nothing is then published)
   */
  public Uni<AcceptedDocument> accept(String tenantId, DocumentSubmission submission) {
    VersionedDocument doc;
    try {
      doc = validator.validate(tenantId, submission, System.currentTimeMillis());
    } catch (InvalidDocumentException e) {
      return Uni.createFrom().failure(e);
    }
    if (!unchangedCandidate(doc)) {
      return publish(doc);
    }
    // The local status may lag a deletion made through another instance: read the status topic up
    // to where it ends now before calling the version unchanged.
    return statuses
        .caughtUpWith(doc.key())
        .chain(
            current ->
                current && unchangedCandidate(doc)
                    ? Uni.createFrom()
                        .item(
                            new AcceptedDocument(
                                doc.id(),
                                doc.source(),
                                doc.version(),
                                AcceptedDocument.UNCHANGED,
                                -1,
                                -1))
                    : publish(doc));
  }

  /**
   * Whether the status says the pipeline has this version already. "Accepted" alone does not count
   * (the pipeline has not read it yet), nor does anything after a deletion: a deletion's status
   * ("deleting", "deleted") has no version.
   */
  private boolean unchangedCandidate(VersionedDocument doc) {
    Optional<DocumentStatus> known = statuses.get(doc.key());
    return known.isPresent()
        && known.get().version().equals(doc.version())
        && PAST_THE_DOCUMENTS_TOPIC.contains(known.get().state());
  }

  /**
   * Makes the version durable on the documents topic, then records it as accepted under the
   * record's offset, the sequence every later status of this version carries.
   */
  private Uni<AcceptedDocument> publish(VersionedDocument doc) {
    try {
      quotas.check(doc);
    } catch (QuotaExceededException e) {
      return Uni.createFrom().failure(e);
    }
    return publisher
        .publish(doc)
        .call(
            receipt ->
                status
                    .reportAccepted(
                        doc.key(),
                        doc.version(),
                        doc.textBytes(),
                        receipt.offset() < 0 ? null : receipt.offset())
                    .invoke(this::remember))
        .onFailure()
        .call(
            e ->
                status
                    .reportAsync(
                        doc.key(),
                        doc.version(),
                        DocumentState.FAILED,
                        0,
                        "not stored on the documents topic: " + e.getMessage(),
                        null)
                    .invoke(this::remember));
  }

  private void remember(DocumentStatus s) {
    if (s != null) {
      statuses.apply(s);
    }
  }

  /**
   * Deletes a document of {@code tenantId}: a tombstone on the documents topic. Completes once the
   * tombstone and its "deleting" status are durable, so that the same content sent again right
   * after is a new version, never "unchanged".
   */
  public Uni<Void> delete(String tenantId, String source, String id) {
    String key =
        Topics.documentKey(
            tenantId,
            source == null || source.isBlank() ? DocumentValidator.DEFAULT_SOURCE : source,
            id);
    return publisher
        .publishDeletion(key)
        .chain(
            offset ->
                status.reportAsync(
                    key, "", DocumentState.DELETING, 0, "", offset < 0 ? null : offset))
        .invoke(this::remember)
        .replaceWithVoid();
  }

  /** The status of a document of {@code tenantId}. */
  public Optional<DocumentStatus> status(String tenantId, String source, String id) {
    return statuses.get(
        Topics.documentKey(
            tenantId,
            source == null || source.isBlank() ? DocumentValidator.DEFAULT_SOURCE : source,
            id));
  }
}
