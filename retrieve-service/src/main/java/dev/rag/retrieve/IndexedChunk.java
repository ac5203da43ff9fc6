package dev.rag.retrieve;

/**
 * A chunk with its vector, ready to be stored.
 *
 * @param index position of the chunk in its document version
 * @param text the chunk as shown to users
 * @param section section path
 * @param vector dense vector from the event's model
 */
public record IndexedChunk(int index, String text, String section, float[] vector) {}
