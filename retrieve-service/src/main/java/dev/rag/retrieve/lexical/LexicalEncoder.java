package dev.rag.retrieve.lexical;

import dev.rag.retrieve.model.SparseVector;
import dev.rag.retrieve.model.TermCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.StringHelper;

/**
 * Lexical sparse vectors for BM25-style search in Qdrant.
 *
 * <p>Text goes through Lucene's English analysis (standard tokenizer, possessives, lower case,
 * English stop words, Porter stemming). Each term's id is the MurmurHash3 (x86, 32-bit, seed 0) of
 * its UTF-8 bytes, so ids are stable across processes and versions. A passage's term weight is
 * BM25's term-frequency saturation {@code tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))}; a
 * query's is each distinct term's IDF ({@link #weighQuery}), computed from the document frequencies
 * among the searching tenant's own passages, so the dot product the store computes is BM25 over
 * that tenant's corpus alone: no other tenant's documents move its scores.
 */
public final class LexicalEncoder {

  private static final Analyzer ANALYZER = new EnglishAnalyzer();

  private final double k1;
  private final double b;
  private final double averageLength;

  /**
   * @param k1 term-frequency saturation
   * @param b length normalisation strength
   * @param averageLength the expected length of a passage in analysed terms
   */
  public LexicalEncoder(double k1, double b, double averageLength) {
    this.k1 = k1;
    this.b = b;
    this.averageLength = averageLength;
  }

  /** The analysed terms of a text, in order, with repeats. */
  public static List<String> terms(String text) {
    List<String> terms = new ArrayList<>();
    try (TokenStream stream = ANALYZER.tokenStream("text", text)) {
      CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        terms.add(term.toString());
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return terms;
  }

  /** The ids of a text's analysed terms ({@link #termId}), in order, with repeats. */
  public static int[] termIdSequence(String text) {
    int[] ids = new int[16];
    int n = 0;
    try (TokenStream stream = ANALYZER.tokenStream("text", text)) {
      // The term's UTF-8 bytes, hashed as termId hashes a term: no String per token.
      TermToBytesRefAttribute term = stream.addAttribute(TermToBytesRefAttribute.class);
      stream.reset();
      while (stream.incrementToken()) {
        if (n == ids.length) {
          ids = Arrays.copyOf(ids, 2 * n);
        }
        ids[n++] = StringHelper.murmurhash3_x86_32(term.getBytesRef(), 0);
      }
      stream.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Arrays.copyOf(ids, n);
  }

  /** The stable id of an analysed term. */
  public static int termId(String term) {
    return StringHelper.murmurhash3_x86_32(new BytesRef(term), 0);
  }

  /** A passage's vector: BM25 term-frequency weights with length normalisation. */
  public SparseVector encodePassage(String text) {
    List<String> terms = terms(text);
    TreeMap<Long, Integer> tf = counts(terms);
    double norm = k1 * (1 - b + b * terms.size() / averageLength);
    return toVector(tf, f -> (float) (f * (k1 + 1) / (f + norm)));
  }

  /** A query's vector: weight 1 per distinct term. */
  public SparseVector encodeQuery(String text) {
    return toVector(counts(terms(text)), f -> 1f);
  }

  /**
   * The query's terms weighted by their IDF among the passages counted, {@code ln(1 + (n - df +
   * 0.5) / (df + 0.5))}: the formula of Qdrant's IDF modifier and of Lucene's BM25. Each term's
   * weight in the query (1 from {@link #encodeQuery}; less for terms feedback added) multiplies it.
   *
   * @param query a vector from {@link #encodeQuery} or {@link QueryExpansion#expand}
   * @param counts document frequencies of the query's terms, in the vector's order
   */
  public static SparseVector weighQuery(SparseVector query, TermCounts counts) {
    float[] weights = new float[query.indices().length];
    for (int i = 0; i < weights.length; i++) {
      weights[i] =
          (float) (query.values()[i] * idf(counts.passages(), counts.documentFrequencies()[i]));
    }
    return new SparseVector(query.indices(), weights);
  }

  static double idf(long passages, long documentFrequency) {
    return Math.log(1 + (passages - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  private static TreeMap<Long, Integer> counts(List<String> terms) {
    // Sorted by the id read as unsigned, the order Qdrant keeps indices in.
    TreeMap<Long, Integer> tf = new TreeMap<>();
    for (String t : terms) {
      tf.merge(Integer.toUnsignedLong(termId(t)), 1, Integer::sum);
    }
    return tf;
  }

  private interface Weight {
    float of(int termFrequency);
  }

  private static SparseVector toVector(TreeMap<Long, Integer> tf, Weight weight) {
    int[] indices = new int[tf.size()];
    float[] values = new float[tf.size()];
    int i = 0;
    for (var e : tf.entrySet()) {
      indices[i] = (int) (long) e.getKey();
      values[i] = weight.of(e.getValue());
      i++;
    }
    return new SparseVector(indices, values);
  }
}
