package dev.rag.generate;

import java.util.List;
import java.util.Optional;

/**
 * How close in meaning each of a few sentences is to a question, by the embedding model the system
 * runs: what the extractive answerer weighs beside the question's words.
 */
public interface SentenceScorer {

  /** Scores nothing: answers are chosen by their words alone. */
  SentenceScorer NONE = (question, sentences) -> Optional.empty();

  /**
   * The cosine similarity of each sentence to the question, in order; empty when it cannot be told
   * now (the model's service is away or slow), and the answer is then chosen without it.
   */
  Optional<double[]> similarities(String question, List<String> sentences);
}
