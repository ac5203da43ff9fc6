package dev.rag.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A model's own tokenizer alone, for counting tokens (the chunker's budget) without loading the
 * model. Needs only the tokenizer file of the model jar, not ONNX Runtime.
 */
public final class ModelTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final String modelId;

  private ModelTokenizer(HuggingFaceTokenizer tokenizer, String modelId) {
    this.tokenizer = tokenizer;
    this.modelId = modelId;
  }

  /**
   * @throws IllegalStateException when the model's tokenizer file is not on the class path
   */
  public static ModelTokenizer load(ModelSpec spec) {
    InputStream resource =
        ModelTokenizer.class.getClassLoader().getResourceAsStream(spec.tokenizerResource());
    if (resource == null) {
      throw new IllegalStateException(
          "tokenizer file '"
              + spec.tokenizerResource()
              + "' of "
              + spec.id()
              + " is not on the class path (its model jar is missing)");
    }
    try (InputStream in = resource) {
      return new ModelTokenizer(
          HuggingFaceTokenizer.newInstance(
              in, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false")),
          spec.id());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the tokenizer of " + spec.id(), e);
    }
  }

  public String modelId() {
    return modelId;
  }

  /** Tokens of {@code text}, without the special tokens the model adds once per input. */
  public int count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    synchronized (tokenizer) {
      return tokenizer.encode(text, false, false).getIds().length;
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
