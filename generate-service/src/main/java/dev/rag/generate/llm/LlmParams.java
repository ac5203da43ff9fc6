package dev.rag.generate.llm;

import java.util.List;

/**
 * Sampling settings of one generation.
 *
 * @param maxTokens most tokens to generate
 * @param temperature sampling temperature
 * @param stop sequences that end the answer (not included in it)
 */
public record LlmParams(int maxTokens, double temperature, List<String> stop) {

  public LlmParams {
    stop = stop == null ? List.of() : List.copyOf(stop);
  }
}
