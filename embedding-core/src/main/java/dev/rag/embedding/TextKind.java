package dev.rag.embedding;

/** How a text will be used; models embed queries and passages differently. */
public enum TextKind {
  QUERY,
  PASSAGE
}
