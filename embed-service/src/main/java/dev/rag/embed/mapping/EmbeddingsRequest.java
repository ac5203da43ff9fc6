package dev.rag.embed.mapping;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of {@code POST /v1/embeddings}, in OpenAI's shape.
 *
 * @param input a string or a list of strings (token arrays are refused)
 * @param model must name this service's model
 * @param encodingFormat {@code float} (default) or {@code base64} (little-endian float32)
 * @param dimensions refused unless the model's own dimension
 * @param user accepted for compatibility
 * @param inputType extension, as NVIDIA NIM spells it: {@code passage} (default) or {@code query},
 *     which applies the model's query convention
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmbeddingsRequest(
    JsonNode input,
    String model,
    @JsonProperty("encoding_format") String encodingFormat,
    Integer dimensions,
    String user,
    @JsonProperty("input_type") String inputType) {}
