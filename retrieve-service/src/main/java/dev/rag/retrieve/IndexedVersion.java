package dev.rag.retrieve;

/**
 * The newest event of one document a model's index has applied: a version, or the deletion that
 * removed the document (remembered, so that an older version arriving later is not indexed again).
 *
 * @param sequence the event's sequence (the offset of its record on the documents topic)
 * @param deleted whether it was a deletion
 */
public record IndexedVersion(long sequence, boolean deleted) {}
