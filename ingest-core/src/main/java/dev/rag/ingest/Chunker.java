package dev.rag.ingest;

import java.text.BreakIterator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Splits a document into chunks by its structure: sections (Markdown headings), paragraphs and
 * sentences, within a token budget, with overlap.
 *
 * <p>Rules, in order: a chunk never spans two sections; it ends at a paragraph boundary when the
 * next paragraph does not fit and the chunk is already at least half full; otherwise it ends at a
 * sentence boundary; a sentence is cut (at word boundaries) only when it alone exceeds the budget.
 * When a chunk ends inside a run of text, the next one starts with the last sentences of it, up to
 * the overlap budget, so a fact split across the boundary is whole in one of them.
 */
public final class Chunker {

  /**
   * Characters that count as at least one token: a chunk holds at most this many characters per
   * token of its budget (prose has four to six).
   */
  static final int CHARS_PER_TOKEN = 16;

  private final int maxTokens;
  private final int overlapTokens;
  private final TokenCounter tokens;
  private final boolean withContext;
  private final int neighbourTokens;

  /**
   * @param maxTokens budget per chunk (tokens of the chunk text, excluding its context)
   * @param overlapTokens most tokens repeated from the previous chunk
   * @param tokens how tokens are counted
   */
  public Chunker(int maxTokens, int overlapTokens, TokenCounter tokens) {
    this(maxTokens, overlapTokens, tokens, true);
  }

  /**
   * @param withContext whether the embedding text carries the document title and section path
   *     (context-aware chunk embeddings; on by default, off only to measure what it is worth)
   */
  public Chunker(int maxTokens, int overlapTokens, TokenCounter tokens, boolean withContext) {
    this(maxTokens, overlapTokens, tokens, withContext, 0);
  }

  /**
   * @param neighbourTokens most tokens of each neighbouring chunk's own text (the end of the one
   *     before, the start of the one after, beyond what overlap already repeats) added around a
   *     chunk in its embedding text only; 0 adds none. The shown text never changes.
   */
  public Chunker(
      int maxTokens,
      int overlapTokens,
      TokenCounter tokens,
      boolean withContext,
      int neighbourTokens) {
    this.withContext = withContext;
    if (neighbourTokens < 0 || neighbourTokens > maxTokens) {
      throw new IllegalArgumentException("neighbourTokens must be in [0, maxTokens]");
    }
    this.neighbourTokens = neighbourTokens;
    if (maxTokens < 8) {
      throw new IllegalArgumentException("maxTokens must be at least 8");
    }
    if (overlapTokens < 0 || overlapTokens >= maxTokens / 2) {
      throw new IllegalArgumentException("overlapTokens must be in [0, maxTokens / 2)");
    }
    this.maxTokens = maxTokens;
    this.overlapTokens = overlapTokens;
    this.tokens = tokens;
  }

  /**
   * Chunks a normalised document. Form feeds on their own lines are page breaks: each chunk then
   * carries the pages it spans.
   */
  public List<TextChunk> chunk(String title, String text, String contentType) {
    return chunk(title, text, contentType, Integer.MAX_VALUE);
  }

  /**
   * Chunks a document, giving up as soon as it is known to make more than {@code maxChunks} chunks:
   * the list returned then holds more than {@code maxChunks} (the rest of the text is not read), so
   * a document over the limit costs no more than the limit to refuse.
   */
  public List<TextChunk> chunk(String title, String text, String contentType, int maxChunks) {
    // Every chunk holds at most maxTokens of new text: past this many tokens the limit is broken.
    Budget budget =
        new Budget(
            maxChunks == Integer.MAX_VALUE ? Long.MAX_VALUE : (maxChunks + 1L) * maxTokens + 1);
    boolean markdown = "text/markdown".equals(contentType);
    int[] pages = pageBreaks(text);
    List<Paragraphs.Paragraph> paragraphs = Paragraphs.of(text, markdown, title);
    List<TextChunk> chunks = new ArrayList<>();
    List<Unit> current = new ArrayList<>();
    int currentTokens = 0;
    String currentSection = null;
    for (Paragraphs.Paragraph paragraph : paragraphs) {
      if (!paragraph.section().equals(currentSection)) {
        flush(chunks, current, text, title, currentSection, pages);
        current = new ArrayList<>();
        currentTokens = 0;
        currentSection = paragraph.section();
      }
      if (budget.spent()) {
        break;
      }
      List<Unit> units = units(text, paragraph, budget);
      int paragraphTokens = units.stream().mapToInt(u -> u.tokens).sum();
      if (!current.isEmpty()
          && currentTokens + paragraphTokens > maxTokens
          && currentTokens >= maxTokens / 2) {
        // Break at the paragraph boundary: a clean cut needs no overlap.
        flush(chunks, current, text, title, currentSection, pages);
        current = new ArrayList<>();
        currentTokens = 0;
      }
      for (Unit unit : units) {
        if (!current.isEmpty() && currentTokens + unit.tokens > maxTokens) {
          List<Unit> overlap = overlap(current, unit.tokens);
          flush(chunks, current, text, title, currentSection, pages);
          current = new ArrayList<>(overlap);
          currentTokens = overlap.stream().mapToInt(u -> u.tokens).sum();
        }
        current.add(unit);
        currentTokens += unit.tokens;
      }
    }
    flush(chunks, current, text, title, currentSection, pages);
    return neighbourTokens == 0 || chunks.size() < 2 ? chunks : withNeighbours(chunks, text);
  }

  /**
   * Each chunk's embedding text with the end of the chunk before it and the start of the chunk
   * after it, so that the vector of a chunk cut from a longer text still reflects what surrounds
   * it. Only the part of a neighbour the chunk does not share is taken: the span between the
   * previous chunk's start and this one's, and between this one's end and the next one's end. The
   * context comes first and the following text last, so a model that truncates cuts the following
   * text.
   */
  private List<TextChunk> withNeighbours(List<TextChunk> chunks, String text) {
    List<TextChunk> out = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      TextChunk c = chunks.get(i);
      String before =
          i == 0
              ? ""
              : words(
                  text.substring(
                      chunks.get(i - 1).startOffset(),
                      Math.max(chunks.get(i - 1).startOffset(), c.startOffset())),
                  false);
      String after =
          i == chunks.size() - 1
              ? ""
              : words(
                  text.substring(
                      Math.min(c.endOffset(), chunks.get(i + 1).endOffset()),
                      chunks.get(i + 1).endOffset()),
                  true);
      if (before.isEmpty() && after.isEmpty()) {
        out.add(c);
        continue;
      }
      String embedded = c.embeddingText();
      int bodyAt = embedded.length() - c.text().length();
      StringBuilder b = new StringBuilder(embedded.length() + before.length() + after.length() + 2);
      b.append(embedded, 0, bodyAt);
      if (!before.isEmpty()) {
        b.append(before).append(' ');
      }
      b.append(c.text());
      if (!after.isEmpty()) {
        b.append(' ').append(after);
      }
      out.add(
          new TextChunk(
              c.index(),
              c.text(),
              b.toString(),
              c.section(),
              c.startOffset(),
              c.endOffset(),
              c.tokens(),
              c.pageStart(),
              c.pageEnd()));
    }
    return out;
  }

  /**
   * The first ({@code fromStart}) or last words of a span, as many as fit {@link #neighbourTokens};
   * page breaks and line ends become spaces.
   */
  private String words(String span, boolean fromStart) {
    String[] words = span.strip().split("\\s+");
    int used = 0;
    int n = 0;
    for (int k = 0; k < words.length; k++) {
      String w = words[fromStart ? k : words.length - 1 - k];
      if (w.isEmpty()) {
        continue;
      }
      int t = cost(w);
      if (used + t > neighbourTokens) {
        break;
      }
      used += t;
      n++;
    }
    if (n == 0) {
      return "";
    }
    return String.join(
        " ",
        fromStart
            ? Arrays.asList(words).subList(0, n)
            : Arrays.asList(words).subList(words.length - n, words.length));
  }

  /** The trailing units of a full chunk to repeat in the next one. */
  private List<Unit> overlap(List<Unit> chunk, int nextTokens) {
    Deque<Unit> tail = new ArrayDeque<>();
    int budget = Math.min(overlapTokens, maxTokens - nextTokens);
    int used = 0;
    for (int i = chunk.size() - 1; i > 0; i--) {
      Unit u = chunk.get(i);
      if (used + u.tokens > budget) {
        break;
      }
      tail.addFirst(u);
      used += u.tokens;
    }
    return new ArrayList<>(tail);
  }

  private void flush(
      List<TextChunk> chunks,
      List<Unit> units,
      String text,
      String title,
      String section,
      int[] pages) {
    if (units.isEmpty()) {
      return;
    }
    int start = units.get(0).start;
    int end = units.get(units.size() - 1).end;
    String body = text.substring(start, end).replace("\n\f\n", "\n\n").strip();
    int tokenCount = units.stream().mapToInt(u -> u.tokens).sum();
    StringBuilder context = new StringBuilder();
    if (withContext && !title.isEmpty()) {
      context.append(title).append('\n');
    }
    if (withContext && section != null && !section.isEmpty()) {
      context.append(section).append('\n');
    }
    String embeddingText = context.isEmpty() ? body : context.append('\n').append(body).toString();
    chunks.add(
        new TextChunk(
            chunks.size(),
            body,
            embeddingText,
            section == null ? "" : section,
            start,
            end,
            tokenCount,
            pageOf(pages, start),
            pageOf(pages, end - 1)));
  }

  private static int[] pageBreaks(String text) {
    return IntStream.range(0, text.length()).filter(i -> text.charAt(i) == '\f').toArray();
  }

  /** The page of an offset: 1 + the page breaks before it; 0 when the text has no pages. */
  private static int pageOf(int[] pageBreaks, int offset) {
    if (pageBreaks.length == 0) {
      return 0;
    }
    int i = Arrays.binarySearch(pageBreaks, offset);
    return 1 + (i >= 0 ? i : -i - 1);
  }

  /** Sentences of a paragraph (or word windows of an over-long sentence). */
  private List<Unit> units(String text, Paragraphs.Paragraph p, Budget budget) {
    List<Unit> units = new ArrayList<>();
    // Line breaks inside a paragraph are wrapping, not sentence ends; same length keeps offsets.
    String body = text.substring(p.start(), p.end()).replace('\n', ' ');
    BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
    sentences.setText(body);
    int from = sentences.first();
    for (int to = sentences.next();
        to != BreakIterator.DONE && !budget.spent();
        from = to, to = sentences.next()) {
      int s = from;
      int e = to;
      while (s < e && Character.isWhitespace(body.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(body.charAt(e - 1))) {
        e--;
      }
      if (s == e) {
        continue;
      }
      String sentence = body.substring(s, e);
      int count = cost(sentence);
      if (count <= maxTokens) {
        units.add(new Unit(p.start() + s, p.start() + e, count));
        budget.spend(count);
      } else {
        splitLongSentence(body, s, e, p.start(), units, budget);
      }
    }
    return units;
  }

  private void splitLongSentence(
      String body, int s, int e, int base, List<Unit> units, Budget budget) {
    BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
    words.setText(body.substring(s, e));
    int pieceStart = 0;
    int pieceEnd = 0;
    int pieceTokens = 0;
    int from = words.first();
    for (int to = words.next();
        to != BreakIterator.DONE && !budget.spent();
        from = to, to = words.next()) {
      int t = cost(body.substring(s + from, s + to));
      budget.spend(t);
      if (t > maxTokens) {
        // One word over the budget (a run of letters with no break): cut it into windows.
        if (pieceTokens > 0) {
          units.add(new Unit(base + s + pieceStart, base + s + pieceEnd, pieceTokens));
          pieceTokens = 0;
        }
        cutWord(body, s + from, s + to, base, units, budget);
        pieceStart = to;
        pieceEnd = to;
        continue;
      }
      if (pieceTokens + t > maxTokens && pieceTokens > 0) {
        units.add(new Unit(base + s + pieceStart, base + s + pieceEnd, pieceTokens));
        pieceStart = from;
        pieceTokens = 0;
      }
      if (pieceTokens == 0) {
        pieceStart = from;
      }
      pieceTokens += t;
      pieceEnd = to;
    }
    if (pieceTokens > 0) {
      units.add(new Unit(base + s + pieceStart, base + s + pieceEnd, pieceTokens));
    }
  }

  /** Cuts one over-long word into windows that each fit the budget. */
  private void cutWord(String body, int from, int to, int base, List<Unit> units, Budget budget) {
    int pos = from;
    while (pos < to && !budget.spent()) {
      int length = Math.min(to - pos, maxTokens * CHARS_PER_TOKEN);
      int t = cost(body.substring(pos, pos + length));
      while (t > maxTokens && length > 1) {
        length /= 2;
        t = cost(body.substring(pos, pos + length));
      }
      units.add(new Unit(base + pos, base + pos + length, t));
      pos += length;
    }
  }

  /**
   * What a piece of text costs in the budget: its tokens, or one per {@value #CHARS_PER_TOKEN}
   * characters when that is more. A tokenizer reads an over-long word as one unknown token; the
   * second measure keeps such text from making chunks of unbounded length.
   */
  private int cost(String text) {
    return Math.max(tokens.count(text), text.length() / CHARS_PER_TOKEN);
  }

  /** Tokens that may still be read before the chunk limit is known to be broken. */
  private static final class Budget {
    private long left;

    Budget(long tokens) {
      this.left = tokens;
    }

    void spend(long tokens) {
      left -= tokens;
    }

    boolean spent() {
      return left <= 0;
    }
  }

  private record Unit(int start, int end, int tokens) {}
}
