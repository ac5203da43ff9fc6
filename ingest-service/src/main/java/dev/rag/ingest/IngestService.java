package dev.rag.ingest;

import dev.rag.common.DocumentKey;
import dev.rag.common.Topics;
import dev.rag.ingest.config.IngestConfig;
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
  private final int maxListPage;
  private final int maxListScanned;

  IngestService(
      DocumentValidator validator,
      DocumentPublisher publisher,
      StatusReporter status,
      StatusStore statuses,
      TenantQuotas quotas,
      IngestConfig config) {
    this.validator = validator;
    this.publisher = publisher;
    this.status = status;
    this.statuses = statuses;
    this.quotas = quotas;
    this.maxListPage = config.limits().maxListPage();
    this.maxListScanned = config.limits().maxListScanned();
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
                        receipt.offset() < 0 ? null : receipt.offset(),
                        doc.description())
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

  /**
   * A page of {@code tenantId}'s documents, in order of source then id: of one source (or all,
   * null), in one state (or all but the deleted, null), after the document {@code after} names
   * ({@code source/id}, as the previous page's {@code next} gave it), at most {@code limit}.
   *
   * @throws InvalidDocumentException when a parameter is out of its bounds
   */
  public StatusStore.Page list(
      String tenantId, String source, DocumentState state, String after, int limit) {
    if (limit < 1 || limit > maxListPage) {
      throw new InvalidDocumentException(
          "limit", "between 1 and " + maxListPage + " (ingest.limits.max-list-page)");
    }
    String from = after == null || after.isEmpty() ? null : after;
    if (from != null
        && (DocumentKey.parse(tenantId + "/" + from).isEmpty()
            || (source != null && !from.startsWith(source + "/")))) {
      throw new InvalidDocumentException(
          "after", "the next value of the previous page: source/id of a document listed");
    }
    return statuses.list(
        tenantId,
        source,
        from,
        limit,
        maxListScanned,
        s -> state == null ? s.state() != DocumentState.DELETED : s.state() == state);
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
