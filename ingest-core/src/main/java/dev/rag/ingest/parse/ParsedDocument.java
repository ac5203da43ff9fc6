package dev.rag.ingest.parse;

import java.util.Map;

/**
 * A document read from a file, before validation.
 *
 * @param id the document's own id when the format carries one (JSON Lines {@code _id}, a paper's
 *     title), else null: the caller names it
 * @param title title found in the file, or empty
 * @param text the body as the chunker reads it: Markdown-style headings for sections, blank lines
 *     between paragraphs, a form feed on its own line between pages
 * @param contentType {@code text/markdown} when headings were kept, else {@code text/plain}
 * @param metadata what the format says about the document (authors, date, pages, ...)
 */
public record ParsedDocument(
    String id, String title, String text, String contentType, Map<String, String> metadata) {}
