package dev.rag.embed.config;

import dev.rag.embedding.Device;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of embed-service, under {@code embed.*}. */
@ConfigMapping(prefix = "embed")
public interface EmbedConfig {

  /**
   * Model id: {@code bge-small-en-v1.5-int8} (default), {@code e5-small-v2-int8} or {@code
   * all-minilm-l6-v2-int8}.
   */
  @WithDefault("bge-small-en-v1.5-int8")
  String model();

  /** Where inference runs: auto (GPU when visible), cpu, or cuda (fails without a GPU). */
  @WithDefault("auto")
  Device device();

  /** ONNX Runtime intra-op threads; 0 means one per available processor. */
  @WithDefault("0")
  int threads();

  /** Text put before each query; unset keeps the model's convention (none for bge). */
  Optional<String> queryInstruction();

  /** Inference batches. */
  Batch batch();

  /** Limits of one gRPC Embed request. */
  Limits limits();

  /**
   * How long the chunks consumer waits for the broker to acknowledge a batch's embeddings events;
   * past it they are sent again with backoff (never dead-lettered for that).
   */
  @WithDefault("60s")
  Duration publishTimeout();

  /** Inference batches: inputs sorted by length, padded per batch. */
  interface Batch {
    /** Most padded tokens in one inference batch; 0 chooses by device (8192 CPU, 16384 GPU). */
    @WithDefault("0")
    int maxTokens();

    /**
     * Most inputs in one inference batch; 0 chooses by device: 1 on the CPU (the int8 models ran
     * fastest one input at a time there, see ./rag bench embed), 64 on a GPU.
     */
    @WithDefault("0")
    int maxSize();
  }

  /** Limits of one gRPC Embed request. */
  interface Limits {
    /** Most texts per request. */
    @WithDefault("64")
    int maxTexts();

    /** Longest text in characters; longer texts are refused, not silently cut. */
    @WithDefault("8192")
    int maxTextChars();
  }
}
