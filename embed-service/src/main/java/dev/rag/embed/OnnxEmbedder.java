package dev.rag.embed;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * An ONNX model run in-process on the CPU from the offline model jar. The default and only model
 * for now is bge-small-en-v1.5 quantised to int8.
 */
public final class OnnxEmbedder implements Embedder {

  /** Model id of bge-small-en-v1.5, int8. */
  public static final String BGE_SMALL_EN_V15_INT8 = "bge-small-en-v1.5-int8";

  private final String modelId;
  private final EmbeddingModel model;
  private final int dimension;
  private final String queryPrefix;
  private final String passagePrefix;

  private OnnxEmbedder(
      String modelId, EmbeddingModel model, String queryPrefix, String passagePrefix) {
    this.modelId = modelId;
    this.model = model;
    this.dimension = model.dimension();
    this.queryPrefix = queryPrefix;
    this.passagePrefix = passagePrefix;
  }

  /**
   * Loads a model by id.
   *
   * @param queryInstruction text put before each query (bge's retrieval instruction, or empty: on
   *     SciFact it lowers nDCG@10, so it is off by default)
   * @throws IllegalArgumentException for an unknown model id
   */
  public static OnnxEmbedder load(String modelId, String queryInstruction) {
    if (BGE_SMALL_EN_V15_INT8.equals(modelId)) {
      return new OnnxEmbedder(
          modelId, new BgeSmallEnV15QuantizedEmbeddingModel(), queryInstruction, "");
    }
    throw new IllegalArgumentException(
        "unknown embedding model '" + modelId + "'; available: " + BGE_SMALL_EN_V15_INT8);
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public List<float[]> embed(List<String> texts, TextKind kind) {
    String prefix = kind == TextKind.QUERY ? queryPrefix : passagePrefix;
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      segments.add(TextSegment.from(prefix.isEmpty() ? text : prefix + text));
    }
    List<Embedding> embeddings = model.embedAll(segments).content();
    List<float[]> vectors = new ArrayList<>(embeddings.size());
    for (Embedding e : embeddings) {
      vectors.add(normalise(e.vector()));
    }
    return vectors;
  }

  static float[] normalise(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    if (norm == 0) {
      return v;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }
}
