package dev.rag.generate.llm;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Writes a tiny llama-architecture model in the GGUF v3 file format, filled with random weights.
 *
 * <p>The model is meant for tests only. It can be loaded by llama.cpp (and thus by the {@code
 * de.kherud:llama} Java bindings) and it generates text, but the text is gibberish. It lets a test
 * check the mechanics of text generation (streaming, the token limit, shutting down) without
 * downloading a real model. The file is about 175 KB and loads in tens of milliseconds.
 *
 * <p>The same seed always gives a byte-for-byte identical file.
 *
 * <h2>What is inside</h2>
 *
 * <ul>
 *   <li>A SentencePiece-style ("llama") vocabulary: the special tokens {@code <unk>}, {@code <s>}
 *       and {@code </s>}, the ChatML markers {@code <|im_start|>} and {@code <|im_end|>}, one token
 *       for each of the 256 byte values ({@code <0x00>} to {@code <0xFF>}, so that any text can be
 *       tokenized), the word-start marker {@code ▁} (U+2581, which stands for a space) and one
 *       token for each printable ASCII character.
 *   <li>A ChatML chat template in {@code tokenizer.chat_template}.
 *   <li>{@value #BLOCK_COUNT} transformer blocks with embedding size {@value #EMBEDDING_LENGTH},
 *       {@value #HEAD_COUNT} attention heads sharing {@value #HEAD_COUNT_KV} key/value heads, and a
 *       feed-forward size of {@value #FEED_FORWARD_LENGTH}. All tensors are 32-bit floats.
 * </ul>
 *
 * <h2>The bias channel</h2>
 *
 * <p>A llama model has no bias terms, so with purely random weights it would sometimes produce the
 * end-of-sequence token and stop early, and it would often produce lone bytes that are not valid
 * UTF-8. To avoid both, dimension 0 of every token embedding is a constant {@code 1.0} instead of a
 * random value. The other weights are small, so this dimension survives through the blocks almost
 * unchanged and is clearly positive after the final norm. Column 0 of the output matrix then works
 * as a fixed per-token bias: it is strongly negative for the special tokens and the byte tokens,
 * and zero for the printable characters. In practice the model therefore only produces printable
 * ASCII characters and spaces, and always runs until the token limit.
 *
 * <h2>File layout</h2>
 *
 * <p>GGUF is little-endian throughout. The file starts with the magic bytes {@code GGUF}, the
 * version (3), the number of tensors and the number of metadata entries. Then come the metadata
 * entries (each is a key, a value type and a value), then one description per tensor (name, number
 * of dimensions, the size of each dimension, element type, and the offset of its data). The tensor
 * data follows, starting at the next multiple of {@value #ALIGNMENT} bytes, with each tensor also
 * starting at a multiple of {@value #ALIGNMENT} bytes from that point.
 *
 * <p>Dimension sizes are listed fastest-varying first. For example the token embedding matrix has
 * dimensions {@code [EMBEDDING_LENGTH, vocabulary size]}: the values of one token's embedding are
 * stored next to each other. A weight matrix that maps a vector of size {@code n} to a vector of
 * size {@code m} has dimensions {@code [n, m]}.
 */
public final class TinyGguf {

  /** The value of {@code general.name}. */
  public static final String MODEL_NAME = "tiny-random-llama";

  /** The maximum context length, in tokens, stored in the file. */
  public static final int CONTEXT_LENGTH = 256;

  /** The size of the embedding (hidden state) vector. */
  public static final int EMBEDDING_LENGTH = 32;

  /** The number of transformer blocks. */
  public static final int BLOCK_COUNT = 2;

  /** The inner size of the feed-forward network in each block. */
  public static final int FEED_FORWARD_LENGTH = 64;

  /** The number of attention (query) heads. */
  public static final int HEAD_COUNT = 4;

  /**
   * The number of key/value heads; fewer than {@link #HEAD_COUNT} means grouped-query attention.
   */
  public static final int HEAD_COUNT_KV = 2;

  /** The id of the {@code <unk>} token. */
  public static final int UNK_ID = 0;

  /** The id of the {@code <s>} token, which starts every prompt. */
  public static final int BOS_ID = 1;

  /** The id of the {@code </s>} token, which ends generation (the model never produces it). */
  public static final int EOS_ID = 2;

  /** The alignment of the tensor data, in bytes. 32 is also the GGUF default. */
  public static final int ALIGNMENT = 32;

  /** A ChatML chat template, written as Jinja. llama.cpp recognizes it with or without Jinja. */
  public static final String CHAT_TEMPLATE =
      "{% for message in messages %}"
          + "{{ '<|im_start|>' + message['role'] + '\\n' }}"
          + "{{ message['content'] + '<|im_end|>' + '\\n' }}"
          + "{% endfor %}"
          + "{% if add_generation_prompt %}"
          + "{{ '<|im_start|>assistant\\n' }}"
          + "{% endif %}";

  /** The spread of the random weights (standard deviation). */
  private static final float WEIGHT_SCALE = 0.02f;

  /** The output bias (see the class comment) for tokens the model must never produce. */
  private static final float FORBIDDEN_BIAS = -20f;

  /** The spread of the output weights; larger than {@link #WEIGHT_SCALE} for more varied text. */
  private static final float OUTPUT_SCALE = 0.5f;

  // GGUF metadata value types.
  private static final int TYPE_UINT32 = 4;
  private static final int TYPE_INT32 = 5;
  private static final int TYPE_FLOAT32 = 6;
  private static final int TYPE_BOOL = 7;
  private static final int TYPE_STRING = 8;
  private static final int TYPE_ARRAY = 9;

  // GGUF tensor element type for 32-bit floats.
  private static final int GGML_TYPE_F32 = 0;

  // llama.cpp token types.
  private static final int TOKEN_NORMAL = 1;
  private static final int TOKEN_UNKNOWN = 2;
  private static final int TOKEN_CONTROL = 3;
  private static final int TOKEN_BYTE = 6;

  private TinyGguf() {}

  /**
   * Writes the model to a file, replacing the file if it exists.
   *
   * @param file where to write the model; the parent folder must exist
   * @param seed the seed for the random weights; the same seed gives the same file
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, long seed) throws IOException {
    Vocabulary vocab = buildVocabulary();
    List<Tensor> tensors = buildTensors(vocab, new Random(seed));

    // The metadata goes to a buffer first, because the header must give the number of entries.
    ByteArrayOutputStream metadataBytes = new ByteArrayOutputStream();
    Writer meta = new Writer(metadataBytes);
    meta.kvString("general.architecture", "llama");
    meta.kvString("general.name", MODEL_NAME);
    meta.kvU32("general.alignment", ALIGNMENT);
    meta.kvU32("llama.context_length", CONTEXT_LENGTH);
    meta.kvU32("llama.embedding_length", EMBEDDING_LENGTH);
    meta.kvU32("llama.block_count", BLOCK_COUNT);
    meta.kvU32("llama.feed_forward_length", FEED_FORWARD_LENGTH);
    meta.kvU32("llama.attention.head_count", HEAD_COUNT);
    meta.kvU32("llama.attention.head_count_kv", HEAD_COUNT_KV);
    meta.kvU32("llama.rope.dimension_count", EMBEDDING_LENGTH / HEAD_COUNT);
    meta.kvF32("llama.rope.freq_base", 10000f);
    meta.kvF32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    meta.kvU32("llama.vocab_size", vocab.tokens.size());
    meta.kvString("tokenizer.ggml.model", "llama");
    meta.kvStringArray("tokenizer.ggml.tokens", vocab.tokens);
    meta.kvF32Array("tokenizer.ggml.scores", vocab.scores);
    meta.kvI32Array("tokenizer.ggml.token_type", vocab.types);
    meta.kvU32("tokenizer.ggml.unknown_token_id", UNK_ID);
    meta.kvU32("tokenizer.ggml.bos_token_id", BOS_ID);
    meta.kvU32("tokenizer.ggml.eos_token_id", EOS_ID);
    meta.kvBool("tokenizer.ggml.add_bos_token", true);
    meta.kvBool("tokenizer.ggml.add_eos_token", false);
    meta.kvString("tokenizer.chat_template", CHAT_TEMPLATE);

    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      Writer w = new Writer(out);

      // Header: magic, version, tensor count, metadata entry count.
      w.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
      w.u32(3);
      w.u64(tensors.size());
      w.u64(meta.entries);
      w.bytes(metadataBytes.toByteArray());

      // Tensor descriptions. Offsets are relative to the start of the data section.
      long offset = 0;
      for (Tensor t : tensors) {
        w.string(t.name);
        w.u32(t.dims.length);
        for (long d : t.dims) {
          w.u64(d);
        }
        w.u32(GGML_TYPE_F32);
        w.u64(offset);
        offset = align(offset + 4L * t.data.length);
      }

      // Tensor data, each tensor padded to the alignment.
      w.pad();
      for (Tensor t : tensors) {
        ByteBuffer buf = ByteBuffer.allocate(4 * t.data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.data);
        w.bytes(buf.array());
        w.pad();
      }
    }
  }

  /** The tokens with their scores and types, in id order. */
  private static final class Vocabulary {
    final List<String> tokens = new ArrayList<>();
    final List<Float> scores = new ArrayList<>();
    final List<Integer> types = new ArrayList<>();

    /** Whether the model may produce each token. */
    final List<Boolean> allowed = new ArrayList<>();

    void add(String token, float score, int type, boolean allowedInOutput) {
      tokens.add(token);
      scores.add(score);
      types.add(type);
      allowed.add(allowedInOutput);
    }
  }

  private static Vocabulary buildVocabulary() {
    Vocabulary v = new Vocabulary();
    v.add("<unk>", 0f, TOKEN_UNKNOWN, false); // UNK_ID
    v.add("<s>", 0f, TOKEN_CONTROL, false); // BOS_ID
    v.add("</s>", 0f, TOKEN_CONTROL, false); // EOS_ID
    v.add("<|im_start|>", 0f, TOKEN_CONTROL, false);
    v.add("<|im_end|>", 0f, TOKEN_CONTROL, false);
    for (int b = 0; b < 256; b++) {
      v.add(String.format(Locale.ROOT, "<0x%02X>", b), 0f, TOKEN_BYTE, false);
    }
    // For the tokenizer, a higher score means the piece is preferred when merging; all pieces here
    // are single characters, so the scores hardly matter.
    v.add("\u2581", -1f, TOKEN_NORMAL, true);
    for (char c = '!'; c <= '~'; c++) {
      v.add(String.valueOf(c), -2f, TOKEN_NORMAL, true);
    }
    return v;
  }

  /** One tensor: its name, its dimensions (fastest-varying first) and its values. */
  private static final class Tensor {
    final String name;
    final long[] dims;
    final float[] data;

    Tensor(String name, float[] data, long... dims) {
      this.name = name;
      this.dims = dims;
      this.data = data;
    }
  }

  private static List<Tensor> buildTensors(Vocabulary vocab, Random random) {
    int nVocab = vocab.tokens.size();
    int nEmbd = EMBEDDING_LENGTH;
    int nFf = FEED_FORWARD_LENGTH;
    int nEmbdKv = EMBEDDING_LENGTH / HEAD_COUNT * HEAD_COUNT_KV;
    List<Tensor> tensors = new ArrayList<>();

    // Token embeddings, with dimension 0 as the constant bias channel.
    float[] embd = gaussian(random, nEmbd * nVocab, WEIGHT_SCALE);
    for (int t = 0; t < nVocab; t++) {
      embd[t * nEmbd] = 1f;
    }
    tensors.add(new Tensor("token_embd.weight", embd, nEmbd, nVocab));

    for (int i = 0; i < BLOCK_COUNT; i++) {
      String p = "blk." + i + ".";
      tensors.add(new Tensor(p + "attn_norm.weight", ones(nEmbd), nEmbd));
      tensors.add(randomMatrix(p + "attn_q.weight", random, nEmbd, nEmbd));
      tensors.add(randomMatrix(p + "attn_k.weight", random, nEmbd, nEmbdKv));
      tensors.add(randomMatrix(p + "attn_v.weight", random, nEmbd, nEmbdKv));
      tensors.add(randomMatrix(p + "attn_output.weight", random, nEmbd, nEmbd));
      tensors.add(new Tensor(p + "ffn_norm.weight", ones(nEmbd), nEmbd));
      tensors.add(randomMatrix(p + "ffn_gate.weight", random, nEmbd, nFf));
      tensors.add(randomMatrix(p + "ffn_down.weight", random, nFf, nEmbd));
      tensors.add(randomMatrix(p + "ffn_up.weight", random, nEmbd, nFf));
    }

    tensors.add(new Tensor("output_norm.weight", ones(nEmbd), nEmbd));

    // Output matrix; column 0 reads the bias channel (see the class comment).
    float[] output = gaussian(random, nEmbd * nVocab, OUTPUT_SCALE);
    for (int t = 0; t < nVocab; t++) {
      output[t * nEmbd] = vocab.allowed.get(t) ? 0f : FORBIDDEN_BIAS;
    }
    tensors.add(new Tensor("output.weight", output, nEmbd, nVocab));
    return tensors;
  }

  /** A matrix that maps a vector of size {@code in} to one of size {@code out}. */
  private static Tensor randomMatrix(String name, Random random, int in, int out) {
    return new Tensor(name, gaussian(random, in * out, WEIGHT_SCALE), in, out);
  }

  private static float[] gaussian(Random random, int n, float scale) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian() * scale;
    }
    return values;
  }

  private static float[] ones(int n) {
    float[] values = new float[n];
    Arrays.fill(values, 1f);
    return values;
  }

  private static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** Writes little-endian GGUF values and keeps track of the position for padding. */
  private static final class Writer {
    private final OutputStream out;
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    /** The number of metadata entries written so far. */
    int entries;

    Writer(OutputStream out) {
      this.out = out;
    }

    void bytes(byte[] b) throws IOException {
      out.write(b);
      position += b.length;
    }

    void u32(long v) throws IOException {
      scratch.clear();
      scratch.putInt((int) v);
      out.write(scratch.array(), 0, 4);
      position += 4;
    }

    void u64(long v) throws IOException {
      scratch.clear();
      scratch.putLong(v);
      out.write(scratch.array(), 0, 8);
      position += 8;
    }

    void f32(float v) throws IOException {
      u32(Float.floatToIntBits(v));
    }

    /** A GGUF string: its length in bytes (64 bits) followed by its UTF-8 bytes, no terminator. */
    void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      bytes(b);
    }

    /** Writes zero bytes up to the next multiple of the alignment. */
    void pad() throws IOException {
      while (position % ALIGNMENT != 0) {
        out.write(0);
        position++;
      }
    }

    void kvU32(String key, int v) throws IOException {
      entries++;
      string(key);
      u32(TYPE_UINT32);
      u32(v);
    }

    void kvF32(String key, float v) throws IOException {
      entries++;
      string(key);
      u32(TYPE_FLOAT32);
      f32(v);
    }

    void kvBool(String key, boolean v) throws IOException {
      entries++;
      string(key);
      u32(TYPE_BOOL);
      out.write(v ? 1 : 0);
      position++;
    }

    void kvString(String key, String v) throws IOException {
      entries++;
      string(key);
      u32(TYPE_STRING);
      string(v);
    }

    /** An array value: the element type, the element count (64 bits), then the elements. */
    void kvStringArray(String key, List<String> values) throws IOException {
      entries++;
      string(key);
      u32(TYPE_ARRAY);
      u32(TYPE_STRING);
      u64(values.size());
      for (String s : values) {
        string(s);
      }
    }

    void kvF32Array(String key, List<Float> values) throws IOException {
      entries++;
      string(key);
      u32(TYPE_ARRAY);
      u32(TYPE_FLOAT32);
      u64(values.size());
      for (float f : values) {
        f32(f);
      }
    }

    void kvI32Array(String key, List<Integer> values) throws IOException {
      entries++;
      string(key);
      u32(TYPE_ARRAY);
      u32(TYPE_INT32);
      u64(values.size());
      for (int i : values) {
        u32(i);
      }
    }
  }
}
