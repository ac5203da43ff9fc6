package dev.rag.embed.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Answer of {@code POST /v1/embeddings}: {@code {"object": "list", "data": [...], "model",
 * "usage"}}.
 */
public record EmbeddingsResponse(String object, List<Item> data, String model, Usage usage) {

  /**
   * One vector, at the index of its input.
   *
   * @param embedding a list of floats, or a base64 string of little-endian float32 values
   */
  public record Item(String object, int index, Object embedding) {}

  /** Tokens the model read. */
  public record Usage(
      @JsonProperty("prompt_tokens") int promptTokens,
      @JsonProperty("total_tokens") int totalTokens) {}
}
