package dev.rag.embed;

/** How a text will be used; models embed queries and passages differently. */
public enum TextKind {
  QUERY,
  PASSAGE
}
