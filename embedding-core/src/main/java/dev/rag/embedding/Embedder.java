package dev.rag.embedding;

import java.util.List;

/** A dense embedding model. Implementations are thread-safe. */
public interface Embedder extends AutoCloseable {

  /** Identifier of the model; it travels with every vector. */
  String modelId();

  /** Length of every vector. */
  int dimension();

  /**
   * Embeds texts, applying the model's conventions for their kind.
   *
   * @return one L2-normalised vector per text, in order
   */
  List<float[]> embed(List<String> texts, TextKind kind);

  @Override
  void close();
}
