package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.kafka.DocumentPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Accepting a document: validate it, give it a version, and make it durable on the documents topic.
 * Chunking happens later, in the topic's consumer, so every door takes the same path.
 */
@ApplicationScoped
public class IngestService {

  private final DocumentValidator validator;
  private final DocumentPublisher publisher;
  private final TenantContext tenant;

  IngestService(IngestConfig config, DocumentPublisher publisher, TenantContext tenant) {
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
    this.tenant = tenant;
  }

  /**
   * Accepts one document for the caller's tenant.
   *
   * @return a receipt once the event is durable; fails with {@link InvalidDocumentException} when
   *     the document breaks the contract (nothing is then published)
   */
  public Uni<AcceptedDocument> accept(DocumentSubmission submission) {
    VersionedDocument doc;
    try {
      doc = validator.validate(tenant.current(), submission, System.currentTimeMillis());
    } catch (InvalidDocumentException e) {
      return Uni.createFrom().failure(e);
    }
    return publisher.publish(doc);
  }
}
