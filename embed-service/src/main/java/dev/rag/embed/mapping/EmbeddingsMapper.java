package dev.rag.embed.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.embed.InvalidEmbedRequestException;
import dev.rag.embedding.TextKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** OpenAI's embeddings request and response to and from the domain. */
public final class EmbeddingsMapper {

  private EmbeddingsMapper() {}

  /**
   * The texts of {@code input}: one string, or a list of strings.
   *
   * @throws InvalidEmbedRequestException when input is missing, empty or holds token arrays
   */
  public static List<String> texts(EmbeddingsRequest request) {
    if (request == null || request.input() == null || request.input().isNull()) {
      throw new InvalidEmbedRequestException("input", "input is required: a string or strings");
    }
    JsonNode input = request.input();
    if (input.isTextual()) {
      return List.of(input.asText());
    }
    if (!input.isArray()) {
      throw new InvalidEmbedRequestException("input", "input must be a string or a list of them");
    }
    List<String> texts = new ArrayList<>(input.size());
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      if (item.isNumber() || item.isArray()) {
        throw new InvalidEmbedRequestException(
            "input", "token arrays are not supported: send the text itself");
      }
      if (!item.isTextual()) {
        throw new InvalidEmbedRequestException("input[" + i + "]", "input items must be strings");
      }
      texts.add(item.asText());
    }
    return texts;
  }

  /** What the texts are: passages unless {@code input_type} is {@code query}. */
  public static TextKind kind(EmbeddingsRequest request) {
    String type = request.inputType();
    if (type == null || type.equals("passage") || type.equals("document")) {
      return TextKind.PASSAGE;
    }
    if (type.equals("query")) {
      return TextKind.QUERY;
    }
    throw new InvalidEmbedRequestException("input_type", "input_type must be passage or query");
  }

  /** Whether vectors go as base64; refuses a format that is neither float nor base64. */
  public static boolean base64(EmbeddingsRequest request) {
    String format = request.encodingFormat();
    if (format == null || format.equals("float")) {
      return false;
    }
    if (format.equals("base64")) {
      return true;
    }
    throw new InvalidEmbedRequestException(
        "encoding_format", "encoding_format must be float or base64");
  }

  /** The field as a client of this door spells it: gRPC's {@code texts} is {@code input} here. */
  public static String asSent(String field) {
    return field.startsWith("texts") ? "input" + field.substring("texts".length()) : field;
  }

  /** The vectors in input order, as floats or base64. */
  public static EmbeddingsResponse response(
      String modelId, List<float[]> vectors, int tokens, boolean base64) {
    List<EmbeddingsResponse.Item> data = new ArrayList<>(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      float[] v = vectors.get(i);
      data.add(new EmbeddingsResponse.Item("embedding", i, base64 ? encode(v) : v));
    }
    return new EmbeddingsResponse(
        "list", data, modelId, new EmbeddingsResponse.Usage(tokens, tokens));
  }

  /** Little-endian float32 values in base64, as OpenAI's clients decode them. */
  static String encode(float[] vector) {
    ByteBuffer bytes =
        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(vector);
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
