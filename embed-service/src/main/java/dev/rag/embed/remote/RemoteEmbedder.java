package dev.rag.embed.remote;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.rag.common.errors.InvalidArgumentException;
import dev.rag.common.errors.UnavailableException;
import dev.rag.embedding.Embedder;
import dev.rag.embedding.TextKind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Embeddings from a server that speaks OpenAI's {@code POST /v1/embeddings} (Hugging Face TEI,
 * vLLM, NVIDIA NIM, Ollama, or another embed-service), through LangChain4j's OpenAI client. Texts
 * go in batches of {@link Options#batchSize()}, at most {@link Options#concurrency()} requests at a
 * time; a request that fails for a reason that may pass (a timeout, a refused connection, 429, a
 * 5xx, a key the server does not know yet) is tried again with backoff up to {@link
 * Options#attempts()} times, then reported as {@link UnavailableException}; a request the server
 * refuses as wrong (400, 413, 422) fails at once with {@link InvalidArgumentException}. Vectors are
 * L2-normalised here, whatever the server does. The dimension is the server's, read from one probe
 * at construction.
 */
public final class RemoteEmbedder implements Embedder {

  private static final Logger LOG = Logger.getLogger(RemoteEmbedder.class);
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  /**
   * How to reach the server and how hard to press it.
   *
   * @param modelId the index's model id: vectors carry it, collections are named after it
   * @param url the server's OpenAI base URL, ending in {@code /v1}
   * @param serverModel the model name sent in each request
   * @param apiKey bearer key for the server, if it wants one
   * @param batchSize most texts per request
   * @param concurrency most requests in flight at once
   * @param timeout limit of one request (connect and read)
   * @param attempts tries per request, the first included
   * @param queryPrefix text put before each query, as the model's convention wants
   * @param sendInputType whether requests say {@code input_type} ({@code passage} or {@code
   *     query}), as NVIDIA NIM's asymmetric models and embed-service understand
   */
  public record Options(
      String modelId,
      URI url,
      String serverModel,
      Optional<String> apiKey,
      int batchSize,
      int concurrency,
      Duration timeout,
      int attempts,
      Optional<String> queryPrefix,
      boolean sendInputType) {}

  private final Options options;
  private final OpenAiEmbeddingModel passages;
  private final OpenAiEmbeddingModel queries;
  private final ExecutorService requests;
  private final int dimension;

  private RemoteEmbedder(Options options) {
    this.options = options;
    this.passages = client(options, "passage");
    this.queries = client(options, "query");
    AtomicInteger n = new AtomicInteger();
    this.requests =
        Executors.newFixedThreadPool(
            options.concurrency(),
            r -> {
              Thread t = new Thread(r, "remote-embed-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.dimension = batch(List.of("dimension probe"), TextKind.PASSAGE).vectors().get(0).length;
  }

  private static OpenAiEmbeddingModel client(Options options, String inputType) {
    var builder =
        OpenAiEmbeddingModel.builder()
            .baseUrl(options.url().toString())
            .apiKey(options.apiKey().orElse("none"))
            .modelName(options.serverModel())
            .timeout(options.timeout())
            // Retries are ours: they tell input errors from outages and back off.
            .maxRetries(0)
            .maxSegmentsPerBatch(options.batchSize());
    if (options.sendInputType()) {
      builder.customParameters(Map.of("input_type", inputType));
    }
    return builder.build();
  }

  /**
   * Connects: embeds one probe text to learn the dimension.
   *
   * @throws UnavailableException when the server cannot be reached within the attempts
   */
  public static RemoteEmbedder connect(Options options) {
    if (options.batchSize() < 1 || options.concurrency() < 1 || options.attempts() < 1) {
      throw new IllegalArgumentException("batch size, concurrency and attempts must be positive");
    }
    return new RemoteEmbedder(options);
  }

  @Override
  public String modelId() {
    return options.modelId();
  }

  @Override
  public int dimension() {
    return dimension;
  }

  /** The server the vectors come from. */
  public URI url() {
    return options.url();
  }

  @Override
  public List<float[]> embed(List<String> texts, TextKind kind) {
    return embedCounted(texts, kind).vectors();
  }

  /**
   * Vectors and the input tokens the server says it read ({@code usage.prompt_tokens}, summed over
   * the requests; 0 when the server does not say).
   */
  public record Counted(List<float[]> vectors, int tokens) {}

  /** As {@link #embed}, with the server's count of the tokens it read. */
  public Counted embedCounted(List<String> texts, TextKind kind) {
    if (texts.size() <= options.batchSize()) {
      return batch(texts, kind);
    }
    List<Future<Counted>> parts = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += options.batchSize()) {
      List<String> part = texts.subList(from, Math.min(texts.size(), from + options.batchSize()));
      parts.add(requests.submit(() -> batch(part, kind)));
    }
    List<float[]> vectors = new ArrayList<>(texts.size());
    int tokens = 0;
    try {
      for (Future<Counted> part : parts) {
        Counted counted = part.get();
        vectors.addAll(counted.vectors());
        tokens += counted.tokens();
      }
    } catch (InterruptedException e) {
      parts.forEach(p -> p.cancel(true));
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while embedding", e);
    } catch (ExecutionException e) {
      parts.forEach(p -> p.cancel(true));
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
    return new Counted(vectors, tokens);
  }

  /** One request's vectors and tokens, with retries for what may pass. */
  private Counted batch(List<String> texts, TextKind kind) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    for (String text : texts) {
      String prefixed =
          kind == TextKind.QUERY ? options.queryPrefix().map(p -> p + text).orElse(text) : text;
      segments.add(TextSegment.from(prefixed));
    }
    long backoff = 200;
    for (int attempt = 1; ; attempt++) {
      try {
        Response<List<Embedding>> response =
            (kind == TextKind.QUERY ? queries : passages).embedAll(segments);
        List<Embedding> embeddings = response.content();
        if (embeddings.size() != texts.size()) {
          throw new UnavailableException(
              "the embedding server at "
                  + options.url()
                  + " answered "
                  + embeddings.size()
                  + " vectors for "
                  + texts.size()
                  + " texts",
              null);
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (Embedding e : embeddings) {
          vectors.add(normalised(e.vector()));
        }
        Integer read =
            response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount();
        return new Counted(vectors, read == null ? 0 : read);
      } catch (RuntimeException e) {
        if (refusedAsWrong(e)) {
          throw new InvalidArgumentException(
              "texts", "the embedding server refused the texts: " + e.getMessage());
        }
        if (attempt >= options.attempts()) {
          throw new UnavailableException(
              "the embedding server at "
                  + options.url()
                  + " did not answer after "
                  + attempt
                  + " attempts: "
                  + e,
              e);
        }
        LOG.debugf("Embedding request failed (%s); attempt %d in %d ms", e, attempt + 1, backoff);
        sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
      }
    }
  }

  /**
   * Whether the server said the input itself is wrong: trying again cannot help, and only the
   * texts' caller (or their dead-letter record) should hear of it. A wrong key or model is the
   * deployment's fault and passes once it is fixed, so it counts as an outage.
   */
  static boolean refusedAsWrong(RuntimeException e) {
    if (e instanceof RetriableException
        || e instanceof AuthenticationException
        || e instanceof ModelNotFoundException) {
      return false;
    }
    if (e instanceof HttpException http) {
      int status = http.statusCode();
      return status == 400 || status == 413 || status == 422;
    }
    return e instanceof InvalidRequestException;
  }

  private static float[] normalised(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    if (sum == 0) {
      return v;
    }
    float scale = (float) (1 / Math.sqrt(sum));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * scale;
    }
    return out;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting to retry", e);
    }
  }

  @Override
  public void close() {
    requests.shutdownNow();
  }
}
