package dev.rag.embed;

import dev.rag.embed.config.EmbedConfig;
import dev.rag.embed.remote.RemoteEmbedder;
import dev.rag.embedding.Embedder;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The service's one model, shared by the Kafka path, gRPC Embed and {@code /v1/embeddings}: the
 * in-process ONNX model, loaded at startup (so readiness means the model is ready), or a remote
 * OpenAI-compatible server, reached once at startup to learn its dimension.
 */
@Startup
@ApplicationScoped
public class EmbeddingService {

  private static final Logger LOG = Logger.getLogger(EmbeddingService.class);

  private final OnnxEmbedder local;
  private final RemoteEmbedder remote;
  private final EmbedConfig config;

  EmbeddingService(EmbedConfig config) {
    this.config = config;
    long start = System.nanoTime();
    if (config.backend() == EmbedConfig.Backend.REMOTE) {
      this.local = null;
      this.remote = RemoteEmbedder.connect(remoteOptions(config));
      LOG.infof(
          "Embedding with model %s (dimension %d) from %s, batches of %d, %d requests at once;"
              + " reached in %d ms",
          remote.modelId(),
          remote.dimension(),
          remote.url(),
          config.remote().batchSize(),
          config.remote().concurrency(),
          (System.nanoTime() - start) / 1_000_000);
      return;
    }
    int threads =
        config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
    this.remote = null;
    this.local =
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
        local.modelId(),
        local.dimension(),
        local.onGpu() ? "GPU" : "CPU",
        threads,
        local.maxBatchSize(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** The remote backend's settings, checked: a URL is required and the model id must be safe. */
  static RemoteEmbedder.Options remoteOptions(EmbedConfig config) {
    URI url =
        config
            .remote()
            .url()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "embed.backend=remote needs embed.remote.url (EMBED_REMOTE_URL), the"
                            + " server's OpenAI base URL such as http://tei:8080/v1"));
    if (!ModelCatalog.isIndexName(config.model())) {
      throw new IllegalArgumentException(
          "embed.model '"
              + config.model()
              + "' cannot name an index: use lower-case letters, digits, '.', '_' and '-'");
    }
    return new RemoteEmbedder.Options(
        config.model(),
        url,
        config.remote().model().orElse(config.model()),
        config.remote().apiKey(),
        config.remote().batchSize(),
        config.remote().concurrency(),
        config.remote().timeout(),
        config.remote().attempts(),
        config.queryInstruction(),
        config.remote().sendInputType());
  }

  // The model is not closed at shutdown: a Kafka batch or a gRPC call may still be embedding, and
  // a batch that found it closed would be dead-lettered. The process's exit frees it.

  /** The backend in use: the remote server's client, or the in-process model. */
  private Embedder embedder() {
    return remote != null ? remote : local;
  }

  public String modelId() {
    return embedder().modelId();
  }

  public int dimension() {
    return embedder().dimension();
  }

  /**
   * Where inference runs: {@code cuda} or {@code cpu} in this process, {@code remote} on a server
   * (whose hardware is not known here; retrieve-service then never runs a copy of the model).
   */
  public String device() {
    if (local == null) {
      return "remote";
    }
    return local.onGpu() ? "cuda" : "cpu";
  }

  /**
   * Embeds passages for indexing, batched by length.
   *
   * @throws dev.rag.common.errors.UnavailableException when a remote server cannot answer now
   */
  public List<float[]> embedPassages(List<String> texts) {
    return embedder().embed(texts, TextKind.PASSAGE);
  }

  /** Vectors and the tokens they took, for a caller's request. */
  public record Embedded(List<float[]> vectors, int tokens) {}

  /**
   * Embeds texts for a caller, within the request limits.
   *
   * @throws InvalidEmbedRequestException when the request is empty or over a limit
   * @throws dev.rag.common.errors.UnavailableException when a remote server cannot answer now
   */
  public List<float[]> embedForRequest(List<String> texts, TextKind kind) {
    return embedCounted(texts, kind).vectors();
  }

  /**
   * As {@link #embedForRequest}, counting the tokens the model read (with the remote backend, what
   * the server says it read: {@code usage.prompt_tokens}, 0 when it does not say).
   */
  public Embedded embedCounted(List<String> texts, TextKind kind) {
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
    if (remote != null) {
      RemoteEmbedder.Counted counted = remote.embedCounted(texts, kind);
      return new Embedded(counted.vectors(), counted.tokens());
    }
    List<float[]> vectors = local.embed(texts, kind);
    int tokens = 0;
    for (String t : texts) {
      tokens += local.countTokens(t);
    }
    return new Embedded(vectors, tokens);
  }
}
