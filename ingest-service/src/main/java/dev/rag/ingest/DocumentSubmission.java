package dev.rag.ingest;

import java.util.Map;

/**
 * A document as a caller submits it, before validation.
 *
 * @param id caller-chosen identifier, unique within the source
 * @param source the collection the document belongs to; {@code null} means {@value
 *     DocumentValidator#DEFAULT_SOURCE}
 * @param title human title, may be empty
 * @param text the body
 * @param contentType MIME type of the body; {@code null} means {@code text/plain}
 * @param metadata free-form string metadata
 */
public record DocumentSubmission(
    String id,
    String source,
    String title,
    String text,
    String contentType,
    Map<String, String> metadata) {}
