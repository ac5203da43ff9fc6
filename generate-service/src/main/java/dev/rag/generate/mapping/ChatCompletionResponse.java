package dev.rag.generate.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A chat completion in OpenAI's shape, plus {@code sources}: the numbered passages the answer's
 * citations {@code [n]} point at.
 */
public record ChatCompletionResponse(
    String id,
    String object,
    long created,
    String model,
    List<Choice> choices,
    Usage usage,
    List<SourceView> sources,
    boolean abstained,
    @JsonProperty("unsupported_claims") List<UnsupportedClaimView> unsupportedClaims) {

  /**
   * A cited sentence the sources it cites do not support.
   *
   * @param supportedBy another source of the answer that supports it (a swapped citation); absent
   *     when none does
   */
  public record UnsupportedClaimView(
      String sentence,
      List<Integer> citations,
      double support,
      String reason,
      @JsonProperty("supported_by") @JsonInclude(JsonInclude.Include.NON_NULL)
          Integer supportedBy) {}

  /** One answer. */
  public record Choice(
      int index, AssistantMessage message, @JsonProperty("finish_reason") String finishReason) {}

  /** The assistant's message. */
  public record AssistantMessage(String role, String content) {}

  /** Token counts (estimates for the built-in answerer). */
  public record Usage(
      @JsonProperty("prompt_tokens") int promptTokens,
      @JsonProperty("completion_tokens") int completionTokens,
      @JsonProperty("total_tokens") int totalTokens) {}

  /** A numbered source. */
  public record SourceView(
      int number,
      String source,
      @JsonProperty("document_id") String documentId,
      String title,
      String section,
      @JsonProperty("chunk_index") int chunkIndex,
      String text,
      double score,
      boolean cited,
      @JsonProperty("page_start") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int pageStart,
      @JsonProperty("page_end") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int pageEnd) {}
}
