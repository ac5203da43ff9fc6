package dev.rag.embedding;

/** How a model's token vectors become one text vector. */
public enum Pooling {
  /** The vector of the first ([CLS]) token. */
  CLS,
  /** The mean of the token vectors under the attention mask. */
  MEAN
}
