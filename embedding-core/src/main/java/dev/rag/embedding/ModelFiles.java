package dev.rag.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** A model's files on the class path (its model jar): the ONNX graph and the tokenizer. */
final class ModelFiles {

  private ModelFiles() {}

  /** The model's tokenizer with {@code options} (truncation, padding, special tokens). */
  static HuggingFaceTokenizer tokenizer(ModelSpec spec, Map<String, String> options) {
    try (InputStream in = stream(spec.tokenizerResource())) {
      return HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the tokenizer of " + spec.id(), e);
    }
  }

  private static InputStream stream(String name) {
    InputStream in = ModelFiles.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(
          "model file '" + name + "' is not on the class path (its model jar is missing)");
    }
    return in;
  }

  /** A class-path resource's bytes (the model). */
  static byte[] bytes(String name) {
    try (InputStream in = stream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + name, e);
    }
  }
}
