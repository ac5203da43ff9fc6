package dev.rag.ingest;

/**
 * A passage-sized piece of a document.
 *
 * @param index position in the document, from 0
 * @param text the chunk as shown to users: a span of the normalised document text
 * @param embeddingText the text given to the embedding model: the chunk with its title and section
 * @param section section path, e.g. {@code Methods > Data}; empty when the document has none
 * @param startOffset offset of the span's first character in the normalised text
 * @param endOffset offset just past the span's last character
 * @param tokens token count of {@code text}
 * @param pageStart page (from 1) the chunk starts on; 0 when the document has no pages
 * @param pageEnd page the chunk ends on; 0 when the document has no pages
 */
public record TextChunk(
    int index,
    String text,
    String embeddingText,
    String section,
    int startOffset,
    int endOffset,
    int tokens,
    int pageStart,
    int pageEnd) {}
