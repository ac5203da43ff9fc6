package dev.rag.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jboss.logging.Logger;

/**
 * A model run with ONNX Runtime directly, so this class decides batching, threads and the execution
 * provider. Inputs are tokenized with the model's own tokenizer (truncated to its limit, never
 * split), grouped by length ({@link TokenBatcher}), padded per batch, run, pooled and L2-normalised
 * ({@link Vectors}). The device is chosen by {@link ExecutionDevice}, the files come from {@link
 * ModelFiles}.
 */
public final class OnnxEmbedder implements Embedder {

  private static final Logger LOG = Logger.getLogger(OnnxEmbedder.class);

  /**
   * How a model runs.
   *
   * @param device where inference runs
   * @param threads intra-op threads on the CPU
   * @param maxBatchTokens most padded tokens per inference batch; 0 chooses by device
   * @param maxBatchSize most inputs per inference batch; 0 chooses by device: 1 on the CPU, where
   *     measurement showed the int8 models fastest one input at a time, 64 on a GPU
   * @param queryPrefix text put before each query; null keeps the model's own convention
   * @param parallelism inference batches run at once (each with {@code threads} intra-op threads)
   */
  public record Options(
      Device device,
      int threads,
      int maxBatchTokens,
      int maxBatchSize,
      String queryPrefix,
      int parallelism) {

    public Options(
        Device device, int threads, int maxBatchTokens, int maxBatchSize, String queryPrefix) {
      this(device, threads, maxBatchTokens, maxBatchSize, queryPrefix, 1);
    }

    /** Automatic device, every core, batch sizes chosen by device. */
    public static Options defaults() {
      return new Options(Device.AUTO, Runtime.getRuntime().availableProcessors(), 0, 0, null);
    }
  }

  private final ModelSpec spec;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final HuggingFaceTokenizer counter;
  private final Set<String> inputs;
  private final Options options;
  private final String queryPrefix;
  private final boolean cuda;
  private final ExecutorService workers;
  private final int maxBatchSize;
  private final int maxBatchTokens;

  /**
   * Native resources (the ONNX Runtime session, the tokenizers) must never be freed while a thread
   * is using them: ONNX Runtime does not guard against it and the process dies with SIGSEGV. Calls
   * hold the read lock; {@link #close()} takes the write lock, so it waits for calls in flight.
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private final AtomicBoolean closed = new AtomicBoolean();

  /** How long {@link #close()} waits for calls in flight before leaving native memory unfreed. */
  static final long CLOSE_WAIT_SECONDS = 60;

  private OnnxEmbedder(
      ModelSpec spec,
      OrtEnvironment env,
      OrtSession session,
      HuggingFaceTokenizer tokenizer,
      HuggingFaceTokenizer counter,
      Options options,
      boolean cuda) {
    this.spec = spec;
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.counter = counter;
    this.inputs = session.getInputNames();
    this.options = options;
    this.queryPrefix = options.queryPrefix() != null ? options.queryPrefix() : spec.queryPrefix();
    this.cuda = cuda;
    this.maxBatchSize = options.maxBatchSize() > 0 ? options.maxBatchSize() : cuda ? 64 : 1;
    this.maxBatchTokens =
        options.maxBatchTokens() > 0 ? options.maxBatchTokens() : cuda ? 16384 : 8192;
    this.workers =
        options.parallelism() > 1
            ? Executors.newFixedThreadPool(
                options.parallelism(),
                r -> {
                  Thread t = new Thread(r, "embed-" + spec.id());
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /**
   * Loads a model from the class path.
   *
   * @throws IllegalStateException when the model files are missing, or CUDA was required and cannot
   *     be used
   */
  public static OnnxEmbedder load(ModelSpec spec, Options options) {
    byte[] model = ModelFiles.bytes(spec.onnxResource());
    HuggingFaceTokenizer tokenizer =
        ModelFiles.tokenizer(
            spec,
            Map.of(
                "truncation", "true",
                "maxLength", Integer.toString(spec.maxTokens()),
                "padding", "false",
                "addSpecialTokens", "true"));
    HuggingFaceTokenizer counter =
        ModelFiles.tokenizer(
            spec, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try {
      OrtSession.SessionOptions session = new OrtSession.SessionOptions();
      session.setIntraOpNumThreads(Math.max(1, options.threads()));
      session.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      boolean cuda = ExecutionDevice.select(session, options.device());
      OnnxEmbedder embedder =
          new OnnxEmbedder(
              spec, env, env.createSession(model, session), tokenizer, counter, options, cuda);
      float[] probe = embedder.embed(List.of("probe"), TextKind.PASSAGE).get(0);
      if (probe.length != spec.dimension()) {
        throw new IllegalStateException(
            spec.id() + " produced vectors of " + probe.length + ", expected " + spec.dimension());
      }
      return embedder;
    } catch (OrtException | RuntimeException e) {
      tokenizer.close();
      counter.close();
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("could not load " + spec.id() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String modelId() {
    return spec.id();
  }

  @Override
  public int dimension() {
    return spec.dimension();
  }

  /** Most inputs per inference batch, as chosen for the device. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Whether inference runs on the GPU. */
  public boolean onGpu() {
    return cuda;
  }

  /** The model this embedder runs. */
  public ModelSpec spec() {
    return spec;
  }

  /** Tokens of a text for this model, special tokens included, before any truncation. */
  public int countTokens(String text) {
    var use = lifecycle.readLock();
    use.lock();
    try {
      ensureOpen();
      synchronized (counter) {
        return counter.encode(text, true, false).getIds().length;
      }
    } finally {
      use.unlock();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException(spec.id() + " embedder is closed");
    }
  }

  @Override
  public List<float[]> embed(List<String> texts, TextKind kind) {
    if (texts.isEmpty()) {
      return List.of();
    }
    var use = lifecycle.readLock();
    use.lock();
    try {
      ensureOpen();
      return embedOpen(texts, kind);
    } finally {
      use.unlock();
    }
  }

  private List<float[]> embedOpen(List<String> texts, TextKind kind) {
    String prefix = kind == TextKind.QUERY ? queryPrefix : spec.passagePrefix();
    List<String> inputsText = new ArrayList<>(texts.size());
    for (String t : texts) {
      inputsText.add(prefix.isEmpty() ? t : prefix + t);
    }
    Encoding[] encodings;
    synchronized (tokenizer) {
      encodings = tokenizer.batchEncode(inputsText);
    }
    int[] lengths = new int[encodings.length];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = encodings[i].getIds().length;
    }
    float[][] vectors = new float[texts.size()][];
    for (int[] batch : TokenBatcher.plan(lengths, maxBatchTokens, maxBatchSize)) {
      run(encodings, batch, vectors);
    }
    return Arrays.asList(vectors);
  }

  private void run(Encoding[] encodings, int[] batch, float[][] out) {
    int rows = batch.length;
    int length = 0;
    for (int i : batch) {
      length = Math.max(length, encodings[i].getIds().length);
    }
    long[] ids = new long[rows * length];
    long[] mask = new long[rows * length];
    long[] types = new long[rows * length];
    for (int r = 0; r < rows; r++) {
      Encoding e = encodings[batch[r]];
      System.arraycopy(e.getIds(), 0, ids, r * length, e.getIds().length);
      System.arraycopy(e.getAttentionMask(), 0, mask, r * length, e.getAttentionMask().length);
      System.arraycopy(e.getTypeIds(), 0, types, r * length, e.getTypeIds().length);
    }
    long[] shape = {rows, length};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      if (inputs.contains("attention_mask")) {
        feed.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      }
      if (inputs.contains("token_type_ids")) {
        feed.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
      }
      try (OrtSession.Result result = session.run(feed)) {
        OnnxTensor output = (OnnxTensor) result.get(0);
        long[] outShape = output.getInfo().getShape();
        FloatBuffer values = output.getFloatBuffer();
        for (int r = 0; r < rows; r++) {
          out[batch[r]] =
              Vectors.normalise(Vectors.pool(spec.pooling(), values, outShape, r, length, mask));
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "inference failed for " + spec.id() + ": " + e.getMessage(), e);
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (workers != null) {
      workers.shutdownNow();
    }
    var exclusive = lifecycle.writeLock();
    boolean idle;
    try {
      idle = exclusive.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      idle = false;
    }
    if (!idle) {
      // Freeing the session under a running inference would crash the process; leaking it is safe.
      LOG.warnf(
          "%s is still embedding after %d s: its ONNX Runtime session is left open",
          spec.id(), CLOSE_WAIT_SECONDS);
      return;
    }
    try {
      try {
        session.close();
      } catch (OrtException e) {
        LOG.debug("closing the session", e);
      }
      tokenizer.close();
      counter.close();
    } finally {
      exclusive.unlock();
    }
  }
}
