package dev.rag.generate;

import java.util.Iterator;
import java.util.List;

/**
 * An answer being produced: its numbered sources are known from the start, its text comes piece by
 * piece (citations checked on the way), and its finish reason and usage once the text has ended.
 * Read it from one thread; close it to stop a generation nobody reads any more.
 */
public final class Reply implements AutoCloseable {

  /** Where the text comes from. */
  interface Pieces extends AutoCloseable {
    /** The next piece, or null at the end. */
    String next();

    /** {@code stop} or {@code length}, once {@link #next()} returned null. */
    String finishReason();

    /** Generated tokens, once ended; -1 when unknown. */
    int completionTokens();

    /** Prompt tokens as the model counted them, once ended; -1 when unknown. */
    default int promptTokens() {
      return -1;
    }

    @Override
    void close();
  }

  private final String model;
  private final List<SourceRef> ordered;
  private final int promptTokens;
  private final Pieces pieces;
  private final StreamingCitations citations;
  private final CitationChecker checker;
  private final StringBuilder text = new StringBuilder();
  private final List<String> stop;
  private boolean ended;
  private String finishReason;
  // The claims the cited sources do not support, once the text has ended.
  private List<ClaimSupport.Unsupported> unsupported;

  Reply(
      String model,
      List<SourceRef> sources,
      int promptTokens,
      Pieces pieces,
      List<String> stop,
      CitationChecker checker) {
    this.model = model;
    this.ordered = sources;
    this.promptTokens = promptTokens;
    this.pieces = pieces;
    this.citations = new StreamingCitations(sources.size());
    this.stop = stop == null ? List.of() : stop;
    this.checker = checker;
  }

  /** A finished answer streamed in word-sized pieces. */
  static Reply of(String model, Answer answer, List<String> stop, CitationChecker checker) {
    Iterator<String> words = answer.pieces().iterator();
    return new Reply(
        model,
        answer.sources(),
        answer.promptTokens(),
        new Pieces() {
          @Override
          public String next() {
            return words.hasNext() ? words.next() : null;
          }

          @Override
          public String finishReason() {
            return answer.finishReason();
          }

          @Override
          public int completionTokens() {
            return answer.completionTokens();
          }

          @Override
          public void close() {}
        },
        stop,
        checker);
  }

  /** The model that answers. */
  public String model() {
    return model;
  }

  /**
   * The next piece of text to show, or null when the answer is complete.
   *
   * @throws dev.rag.generate.llm.LlmUnavailableException never: a generation that fails midway ends
   *     the text with a note instead
   */
  public String next() {
    while (!ended) {
      String piece = pieces.next();
      String ready;
      if (piece == null) {
        ended = true;
        ready = citations.finish();
        finishReason = pieces.finishReason() == null ? "stop" : pieces.finishReason();
      } else {
        ready = citations.accept(piece);
      }
      ready = applyStop(ready);
      text.append(ready);
      if (ended) {
        // The whole text is known: check its claims and count what the checks found, once.
        unsupported = ClaimSupport.check(text.toString(), ordered);
        checker.countRemoved(citations.removed());
        checker.countUnsupported(unsupported.size());
      }
      if (!ready.isEmpty()) {
        return ready;
      }
    }
    return null;
  }

  /** Reads the rest and returns the whole answer. */
  public Answer drain() {
    while (next() != null) {
      // Reading to the end.
    }
    return answer();
  }

  /**
   * The answer so far; complete once {@link #next()} returned null, with the claims its cited
   * sources do not support.
   */
  public Answer answer() {
    String full = text.toString();
    List<SourceRef> sources = CitationChecker.markCited(ordered, full);
    int completion =
        pieces.completionTokens() >= 0 ? pieces.completionTokens() : Tokens.count(full);
    int prompt = pieces.promptTokens() >= 0 ? pieces.promptTokens() : promptTokens;
    return new Answer(
        full,
        sources,
        finishReason == null ? "stop" : finishReason,
        prompt,
        completion,
        unsupported != null ? unsupported : ClaimSupport.check(full, sources));
  }

  @Override
  public void close() {
    pieces.close();
  }

  /** Ends the text at the first stop sequence, when the client gave any. */
  private String applyStop(String ready) {
    if (stop.isEmpty() || ready.isEmpty()) {
      return ready;
    }
    String candidate = text + ready;
    int cut = -1;
    for (String s : stop) {
      int at = candidate.indexOf(s);
      if (!s.isEmpty() && at >= 0 && (cut < 0 || at < cut)) {
        cut = at;
      }
    }
    if (cut < 0) {
      return ready;
    }
    ended = true;
    finishReason = "stop";
    pieces.close();
    return cut <= text.length() ? "" : candidate.substring(text.length(), cut);
  }
}
