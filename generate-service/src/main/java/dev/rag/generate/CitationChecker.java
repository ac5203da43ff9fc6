package dev.rag.generate;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks every citation {@code [n]} of an answer against the sources actually given: a number with
 * no source is removed (an answerer must never point at a source that does not exist) and counted
 * ({@link AnswerMetrics#citationsRemoved}); each source is marked cited when the text cites it. The
 * claims the cited sources do not support ({@link ClaimSupport}) are counted too ({@link
 * AnswerMetrics#unsupportedClaims}).
 */
@ApplicationScoped
public class CitationChecker {

  private static final Pattern CITATION = Pattern.compile("\\s?\\[(\\d{1,4})\\]");

  private final AnswerMetrics metrics;

  public CitationChecker(AnswerMetrics metrics) {
    this.metrics = metrics;
  }

  /** The answer with unknown citations removed and its sources' cited flags set from the text. */
  public Answer check(Answer answer) {
    Result result = check(answer.text(), answer.sources().size());
    metrics.citationsRemoved(result.removed());
    return new Answer(
        result.text(),
        markCited(answer.sources(), result.text()),
        answer.finishReason(),
        answer.promptTokens(),
        answer.completionTokens());
  }

  /** The sources with their cited flags set from {@code text}. */
  static List<SourceRef> markCited(List<SourceRef> sources, String text) {
    List<SourceRef> marked = new ArrayList<>(sources.size());
    for (SourceRef s : sources) {
      marked.add(new SourceRef(s.number(), s.passage(), text.contains("[" + s.number() + "]")));
    }
    return marked;
  }

  /** {@code text} without any citation (an earlier turn's numbers mean nothing in a new prompt). */
  public static String strip(String text) {
    return CITATION.matcher(text).replaceAll("");
  }

  /** Counts citations removed elsewhere (from a streamed answer). */
  void countRemoved(int count) {
    metrics.citationsRemoved(count);
  }

  /** Counts the unsupported claims of a finished answer. */
  void countUnsupported(int count) {
    metrics.unsupportedClaims(count);
  }

  /** A checked text and how many citations it lost. */
  public record Result(String text, int removed) {}

  /** Removes citations outside 1..{@code sourceCount}. */
  public static Result check(String text, int sourceCount) {
    Matcher m = CITATION.matcher(text);
    StringBuilder out = new StringBuilder();
    int removedCount = 0;
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      if (n >= 1 && n <= sourceCount) {
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
      } else {
        m.appendReplacement(out, "");
        removedCount++;
      }
    }
    m.appendTail(out);
    return new Result(out.toString(), removedCount);
  }
}
