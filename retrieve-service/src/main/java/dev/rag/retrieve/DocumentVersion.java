package dev.rag.retrieve;

import java.util.Map;

/**
 * One version of one document, as every chunk of it records.
 *
 * @param tenant owner
 * @param source the document's source
 * @param documentId id within the source
 * @param version content hash
 * @param title document title
 * @param metadata document metadata
 * @param acceptedAtMillis when the version was accepted
 */
public record DocumentVersion(
    String tenant,
    String source,
    String documentId,
    String version,
    String title,
    Map<String, String> metadata,
    long acceptedAtMillis) {}
