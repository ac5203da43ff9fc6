package dev.rag.cli.bench;

import dev.rag.cli.eval.BeirDataset;
import dev.rag.embedding.ModelSpec;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The passages of the scale benchmark. The real ones are the documents of the shared evaluation
 * sets (title and text, one passage each), embedded in this process by the model the index uses
 * (cached under {@code $RAG_HOME/bench}). A derived passage {@code n} is made from two real ones
 * chosen by a generator seeded with {@code n}, so any passage can be made again without storing it:
 * its vector is a weighted mix of theirs plus Gaussian noise, renormalised; its text is sentences
 * of the first followed by sentences of the second.
 */
final class ScaleCorpus {

  /** A passage: where it comes from, its text and its unit vector. */
  record Passage(String source, String id, String text, float[] vector) {}

  /** Weight of the first real passage in a derived vector is drawn from [MIX_MIN, 1). */
  static final double MIX_MIN = 0.6;

  /** Standard deviation of the noise added to each dimension of a derived vector. */
  static final double NOISE = 0.015;

  private final List<Passage> real;
  private final List<String[]> sentences;

  /** Passages as given (tests; {@link #load} embeds the datasets). */
  ScaleCorpus(List<Passage> real) {
    this.real = real;
    this.sentences = real.stream().map(p -> sentences(p.text())).toList();
  }

  /** The real passages of the datasets, embedded by {@code model} (cached in {@code cacheDir}). */
  static ScaleCorpus load(List<BeirDataset> datasets, ModelSpec model, Path cacheDir) {
    List<Passage> texts = new ArrayList<>();
    for (BeirDataset data : datasets) {
      for (BeirDataset.Doc d : data.corpus()) {
        String text = d.title().isBlank() ? d.text() : d.title() + "\n\n" + d.text();
        if (!text.isBlank()) {
          texts.add(new Passage(data.name(), d.id(), text, null));
        }
      }
    }
    Path cache = cacheDir.resolve("scale-" + model.id() + "-" + texts.size() + ".f32");
    List<float[]> vectors = read(cache, texts.size());
    if (vectors == null) {
      System.out.printf(
          "embedding %d real passages with %s in this process (once; cached in %s)%n",
          texts.size(), model.id(), cache);
      try (OnnxEmbedder embedder = OnnxEmbedder.load(model, OnnxEmbedder.Options.defaults())) {
        vectors = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i += 256) {
          List<String> batch =
              texts.subList(i, Math.min(texts.size(), i + 256)).stream()
                  .map(Passage::text)
                  .toList();
          vectors.addAll(embedder.embed(batch, TextKind.PASSAGE));
        }
      }
      write(cache, vectors);
    }
    List<Passage> real = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      Passage t = texts.get(i);
      real.add(new Passage(t.source(), t.id(), t.text(), vectors.get(i)));
    }
    return new ScaleCorpus(real);
  }

  List<Passage> real() {
    return real;
  }

  /** The derived passage {@code n}: the same for the same {@code n}, on every run. */
  Passage derived(long n) {
    SplittableRandom random = new SplittableRandom(n * 0x9E3779B97F4A7C15L + 17);
    int a = random.nextInt(real.size());
    int b = random.nextInt(real.size());
    double mix = MIX_MIN + (1 - MIX_MIN) * random.nextDouble();
    float[] va = real.get(a).vector();
    float[] vb = real.get(b).vector();
    float[] v = new float[va.length];
    double norm = 0;
    for (int d = 0; d < v.length; d++) {
      double x = mix * va[d] + (1 - mix) * vb[d] + NOISE * gaussian(random);
      v[d] = (float) x;
      norm += x * x;
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int d = 0; d < v.length; d++) {
      v[d] *= inv;
    }
    String[] first = sentences.get(a);
    String[] second = sentences.get(b);
    int fromFirst = Math.max(1, (int) Math.round(first.length * mix));
    int fromSecond = Math.max(1, (int) Math.round(second.length * (1 - mix)));
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(fromFirst, first.length); i++) {
      text.append(first[i]).append(' ');
    }
    int start = random.nextInt(Math.max(1, second.length - fromSecond + 1));
    for (int i = start; i < Math.min(second.length, start + fromSecond); i++) {
      text.append(second[i]).append(' ');
    }
    return new Passage("scale", "d" + n, text.toString().strip(), v);
  }

  /** A standard normal draw (Box-Muller; the generator has no Gaussian of its own). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static String[] sentences(String text) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(text);
    List<String> out = new ArrayList<>();
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      String s = text.substring(start, end).strip();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out.isEmpty() ? new String[] {text} : out.toArray(String[]::new);
  }

  /** Cosine of two unit vectors. */
  static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  private static List<float[]> read(Path cache, int count) {
    if (!Files.isRegularFile(cache)) {
      return null;
    }
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(cache)))) {
      int n = in.readInt();
      int dim = in.readInt();
      if (n != count) {
        return null;
      }
      List<float[]> vectors = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
          v[d] = in.readFloat();
        }
        vectors.add(v);
      }
      return vectors;
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path cache, List<float[]> vectors) {
    try {
      Files.createDirectories(cache.getParent());
      Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
      try (DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
        out.writeInt(vectors.size());
        out.writeInt(vectors.get(0).length);
        for (float[] v : vectors) {
          for (float x : v) {
            out.writeFloat(x);
          }
        }
      }
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + cache, e);
    }
  }
}
