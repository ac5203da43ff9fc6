package dev.rag.embed;

import dev.rag.embed.config.EmbedConfig;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The service's one model: loaded at startup (so readiness means the model is ready), shared by the
 * Kafka path and the gRPC query path.
 */
@Startup
@ApplicationScoped
public class EmbeddingService {

  private static final Logger LOG = Logger.getLogger(EmbeddingService.class);

  private final OnnxEmbedder embedder;
  private final EmbedConfig config;

  EmbeddingService(EmbedConfig config) {
    this.config = config;
    long start = System.nanoTime();
    int threads =
        config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
    this.embedder =
        OnnxEmbedder.load(
            ModelCatalog.get(config.model()),
            new OnnxEmbedder.Options(
                config.device(),
                threads,
                config.batch().maxTokens(),
                config.batch().maxSize(),
                config.queryInstruction().orElse(null)));
    LOG.infof(
        "Loaded embedding model %s (dimension %d, %s, %d threads, batches of %d) in %d ms",
        embedder.modelId(),
        embedder.dimension(),
        embedder.onGpu() ? "GPU" : "CPU",
        threads,
        embedder.maxBatchSize(),
        (System.nanoTime() - start) / 1_000_000);
  }

  // The model is not closed at shutdown: a Kafka batch or a gRPC call may still be embedding, and
  // a batch that found it closed would be dead-lettered. The process's exit frees it.

  public String modelId() {
    return embedder.modelId();
  }

  public int dimension() {
    return embedder.dimension();
  }

  /** Whether inference runs on the GPU. */
  public boolean onGpu() {
    return embedder.onGpu();
  }

  /** Embeds passages for indexing, batched by length. */
  public List<float[]> embedPassages(List<String> texts) {
    return embedder.embed(texts, TextKind.PASSAGE);
  }

  /**
   * Embeds texts for a caller, within the request limits.
   *
   * @throws InvalidEmbedRequestException when the request is empty or over a limit
   */
  public List<float[]> embedForRequest(List<String> texts, TextKind kind) {
    if (texts.isEmpty()) {
      throw new InvalidEmbedRequestException("texts", "at least one text is required");
    }
    if (texts.size() > config.limits().maxTexts()) {
      throw new InvalidEmbedRequestException(
          "texts", "at most " + config.limits().maxTexts() + " texts per request");
    }
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      if (t.isBlank()) {
        throw new InvalidEmbedRequestException("texts[" + i + "]", "text must not be blank");
      }
      if (t.length() > config.limits().maxTextChars()) {
        throw new InvalidEmbedRequestException(
            "texts[" + i + "]",
            "text is longer than " + config.limits().maxTextChars() + " characters");
      }
    }
    return embedder.embed(texts, kind);
  }
}
