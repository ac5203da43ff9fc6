package dev.rag.embedding;

import java.util.List;

/** The models available offline, from the model jars on the class path. */
public final class ModelCatalog {

  /** bge-small-en-v1.5, int8: the default. Its query instruction is off (it lowers SciFact). */
  public static final ModelSpec BGE_SMALL_EN_V15 =
      new ModelSpec(
          "bge-small-en-v1.5-int8",
          "bge-small-en-v1.5-q.onnx",
          "bge-small-en-v1.5-q-tokenizer.json",
          Pooling.CLS,
          "",
          "",
          512,
          384);

  /** e5-small-v2, int8, with its "query: " and "passage: " prefixes. */
  public static final ModelSpec E5_SMALL_V2 =
      new ModelSpec(
          "e5-small-v2-int8",
          "e5-small-v2-q.onnx",
          "e5-small-v2-q-tokenizer.json",
          Pooling.MEAN,
          "query: ",
          "passage: ",
          512,
          384);

  /** all-MiniLM-L6-v2, int8: the fastest, trained on inputs of up to 256 tokens. */
  public static final ModelSpec ALL_MINILM_L6_V2 =
      new ModelSpec(
          "all-minilm-l6-v2-int8",
          "all-minilm-l6-v2-q.onnx",
          "all-minilm-l6-v2-q-tokenizer.json",
          Pooling.MEAN,
          "",
          "",
          256,
          384);

  /** bge's retrieval instruction for queries, for those who want it. */
  public static final String BGE_QUERY_INSTRUCTION =
      "Represent this sentence for searching relevant passages: ";

  private ModelCatalog() {}

  public static List<ModelSpec> all() {
    return List.of(BGE_SMALL_EN_V15, E5_SMALL_V2, ALL_MINILM_L6_V2);
  }

  /**
   * @throws IllegalArgumentException for an unknown id, naming the known ones
   */
  public static ModelSpec get(String id) {
    return all().stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown embedding model '"
                        + id
                        + "'; available: "
                        + all().stream().map(ModelSpec::id).toList()));
  }

  private static final java.util.regex.Pattern INDEX_NAME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  /**
   * Whether {@code id} can name a model's index (its collection, its consumer group): lower-case
   * letters, digits, {@code .}, {@code _} and {@code -}, at most 64, the first a letter or digit.
   * Every catalogue id can; a remote model's id must.
   */
  public static boolean isIndexName(String id) {
    return id != null && INDEX_NAME.matcher(id).matches();
  }
}
