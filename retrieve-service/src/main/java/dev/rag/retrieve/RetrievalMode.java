package dev.rag.retrieve;

/** Which signals rank passages. */
public enum RetrievalMode {
  /** Dense vectors only. */
  DENSE,
  /** Lexical sparse vectors only. */
  SPARSE,
  /** Dense and lexical, fused. */
  HYBRID,
  /** Hybrid, then multi-source fusion, de-duplication, reranking and diversity. */
  FULL
}
