package dev.rag.retrieve;

import dev.rag.retrieve.model.SparseVector;

/**
 * A chunk with its vectors, ready to be stored.
 *
 * @param index position of the chunk in its document version
 * @param text the chunk as shown to users
 * @param section section path
 * @param lexicalText the text the lexical vector is made from: the chunk with its title and section
 * @param vector dense vector from the event's model
 * @param lexical lexical sparse vector; null until the index service computes it
 * @param pageStart first page of the chunk in a paged document, else 0
 * @param pageEnd last page of the chunk in a paged document, else 0
 */
public record IndexedChunk(
    int index,
    String text,
    String section,
    String lexicalText,
    float[] vector,
    SparseVector lexical,
    int pageStart,
    int pageEnd) {

  public IndexedChunk withLexical(SparseVector v) {
    return new IndexedChunk(index, text, section, lexicalText, vector, v, pageStart, pageEnd);
  }
}
