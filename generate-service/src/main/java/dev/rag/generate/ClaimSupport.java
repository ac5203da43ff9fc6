package dev.rag.generate;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether each cited sentence of an answer is supported by the passages it cites: the claim's
 * content terms (Lucene's English analysis: stop words out, stems) must be held, at least {@value
 * #MIN_SUPPORT} of them, by one cited passage (its text, title and section), and every number the
 * claim states must be in that passage. A sentence no cited passage supports is an {@link
 * Unsupported} claim; when another source of the answer would support it, that source is named (a
 * swapped citation). Sentences without a citation are not claims about a source and are not
 * checked.
 *
 * <p>The evidence is lexical only: a paraphrase in other words than the passage's is counted as
 * unsupported (see docs/decisions.md for the threshold and what it misses).
 */
public final class ClaimSupport {

  /**
   * The share of a claim's distinct content terms one cited passage must hold, chosen on the
   * scripted answers of {@code generate-service/src/test/resources/claims/}.
   */
  public static final double MIN_SUPPORT = 0.6;

  private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,4})\\]");

  /**
   * Numbers in words, read as figures ("three brokers" states 3); "one" is left out, being as often
   * a pronoun as a number.
   */
  private static final Map<String, String> NUMBER_WORDS = numberWords();

  private static final Pattern NUMBER_WORD =
      Pattern.compile(
          "(?iu)(?<!\\p{L})(" + String.join("|", NUMBER_WORDS.keySet()) + ")(?!\\p{L})");

  private ClaimSupport() {}

  /**
   * A sentence the passages it cites do not support.
   *
   * @param sentence the sentence as the answer has it, citations included
   * @param citations the source numbers it cites
   * @param support the largest share of its content terms one cited passage holds
   * @param reason why it is not supported, in words
   * @param supportedBy another source of the answer that does support it, 0 when none
   */
  public record Unsupported(
      String sentence, List<Integer> citations, double support, String reason, int supportedBy) {}

  /** The cited sentences of {@code text} that the cited sources do not support, in order. */
  public static List<Unsupported> check(String text, List<SourceRef> sources) {
    List<Unsupported> unsupported = new ArrayList<>();
    if (text == null || text.isBlank() || sources.isEmpty()) {
      return unsupported;
    }
    List<Evidence> evidence = new ArrayList<>(sources.size());
    for (SourceRef s : sources) {
      RetrievedPassage p = s.passage();
      StringBuilder facts = new StringBuilder(nonNull(p.source()));
      // What the document's metadata records (its date, authors...) supports a sentence stating it.
      p.metadata().forEach((k, v) -> facts.append(' ').append(k).append(' ').append(v));
      String all =
          String.join(" ", nonNull(p.title()), nonNull(p.section()), facts, nonNull(p.text()));
      evidence.add(new Evidence(s.number(), new HashSet<>(TermAnalyzer.terms(all)), numbers(all)));
    }
    for (String sentence : sentences(text)) {
      List<Integer> cited = new ArrayList<>();
      Matcher m = CITATION.matcher(sentence);
      while (m.find()) {
        int n = Integer.parseInt(m.group(1));
        if (!cited.contains(n)) {
          cited.add(n);
        }
      }
      if (cited.isEmpty()) {
        continue;
      }
      String claim = CITATION.matcher(sentence).replaceAll(" ");
      // Numbers are checked on their own, exactly; the share is of the claim's other terms.
      Set<String> terms = new LinkedHashSet<>(TermAnalyzer.terms(withoutNumbers(claim)));
      Set<String> stated = numbers(claim);
      if (terms.isEmpty() && stated.isEmpty()) {
        continue;
      }
      Judgement best = null;
      for (Evidence e : evidence) {
        if (cited.contains(e.number)) {
          Judgement j = judge(terms, stated, e);
          if (best == null || j.better(best)) {
            best = j;
          }
        }
      }
      if (best == null) {
        // Only citations of sources that do not exist, which the citation check removes.
        continue;
      }
      if (best.supported()) {
        continue;
      }
      int other = 0;
      for (Evidence e : evidence) {
        if (!cited.contains(e.number) && judge(terms, stated, e).supported()) {
          other = e.number;
          break;
        }
      }
      unsupported.add(
          new Unsupported(sentence.strip(), List.copyOf(cited), best.share, best.reason(), other));
    }
    return unsupported;
  }

  private static Judgement judge(Set<String> terms, Set<String> stated, Evidence e) {
    int held = 0;
    for (String t : terms) {
      if (e.terms.contains(t)) {
        held++;
      }
    }
    double share = terms.isEmpty() ? 1.0 : (double) held / terms.size();
    List<String> missing = new ArrayList<>();
    for (String n : stated) {
      if (!e.numbers.contains(n)) {
        missing.add(n);
      }
    }
    return new Judgement(e.number, share, missing);
  }

  /**
   * The answer's sentences; citations written after a sentence's full stop belong to that sentence,
   * and are moved before it ("... records. [1]" is "... records [1].").
   */
  static List<String> sentences(String text) {
    List<StringBuilder> sentences = new ArrayList<>();
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    // A line ends a sentence (the points of a list), whatever punctuation it has.
    for (String line : text.split("\n")) {
      String body = citationsBeforeEnds(line);
      it.setText(body);
      int from = it.first();
      for (int to = it.next(); to != BreakIterator.DONE; from = to, to = it.next()) {
        String sentence = body.substring(from, to);
        int lead = citationsEnd(sentence, 0);
        if (lead > 0 && !sentences.isEmpty()) {
          // Citations opening a piece belong to the sentence before (appended in place: a run of
          // citation-only lines stays linear).
          sentences.get(sentences.size() - 1).append(sentence, 0, lead);
          sentence = sentence.substring(lead);
        }
        if (!sentence.isBlank()) {
          sentences.add(new StringBuilder(sentence));
        }
      }
    }
    return sentences.stream().map(StringBuilder::toString).toList();
  }

  /** {@code text} with the citations that follow a closing mark put before it. */
  private static String citationsBeforeEnds(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int end = c == '.' || c == '!' || c == '?' ? citationsEnd(text, i + 1) : i + 1;
      if (end > i + 1) {
        out.append(text, i + 1, end).append(c);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * Where the citations ({@code [n]}, n of 1 to 4 digits, each maybe after white space) that start
   * at {@code from} end; {@code from} when none does. One pass, no backtracking.
   */
  static int citationsEnd(String s, int from) {
    int end = from;
    while (true) {
      int open = end;
      while (open < s.length() && Character.isWhitespace(s.charAt(open))) {
        open++;
      }
      if (open >= s.length() || s.charAt(open) != '[') {
        return end;
      }
      int close = open + 1;
      while (close < s.length() && close - open <= 4 && isDigit(s.charAt(close))) {
        close++;
      }
      if (close == open + 1 || close >= s.length() || s.charAt(close) != ']') {
        return end;
      }
      end = close + 1;
    }
  }

  /** The numbers {@code text} states, in figures or in words, as figures without separators. */
  static Set<String> numbers(String text) {
    Set<String> numbers = new HashSet<>();
    String body = CITATION.matcher(text).replaceAll(" ");
    for (int[] span : figures(body)) {
      numbers.add(body.substring(span[0], span[1]).replace(",", ""));
    }
    Matcher w = NUMBER_WORD.matcher(body);
    while (w.find()) {
      numbers.add(NUMBER_WORDS.get(w.group().toLowerCase(Locale.ROOT)));
    }
    return numbers;
  }

  /**
   * Where {@code text} states numbers in figures: runs of digits with single {@code .} or {@code ,}
   * between them, not part of a word (BM25 and bge-small are names, not numbers). One pass.
   */
  private static List<int[]> figures(String text) {
    List<int[]> spans = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      char prev = i == 0 ? ' ' : text.charAt(i - 1);
      if (!isDigit(text.charAt(i))
          || Character.isLetterOrDigit(prev)
          || prev == '.'
          || prev == ',') {
        i++;
        continue;
      }
      int j = i;
      while (j < n && isDigit(text.charAt(j))) {
        j++;
      }
      while (j + 1 < n
          && (text.charAt(j) == '.' || text.charAt(j) == ',')
          && isDigit(text.charAt(j + 1))) {
        j++;
        while (j < n && isDigit(text.charAt(j))) {
          j++;
        }
      }
      if (j >= n || !Character.isLetter(text.charAt(j))) {
        spans.add(new int[] {i, j});
      }
      i = j;
    }
    return spans;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String withoutNumbers(String text) {
    StringBuilder out = new StringBuilder(text);
    for (int[] span : figures(text)) {
      for (int k = span[0]; k < span[1]; k++) {
        out.setCharAt(k, ' ');
      }
    }
    return NUMBER_WORD.matcher(out).replaceAll(" ");
  }

  private static Map<String, String> numberWords() {
    String[] words = {
      "two",
      "three",
      "four",
      "five",
      "six",
      "seven",
      "eight",
      "nine",
      "ten",
      "eleven",
      "twelve",
      "thirteen",
      "fourteen",
      "fifteen",
      "sixteen",
      "seventeen",
      "eighteen",
      "nineteen",
      "twenty"
    };
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < words.length; i++) {
      map.put(words[i], Integer.toString(i + 2));
    }
    String[] tens = {"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    for (int i = 0; i < tens.length; i++) {
      map.put(tens[i], Integer.toString(30 + 10 * i));
    }
    map.put("hundred", "100");
    map.put("thousand", "1000");
    return Map.copyOf(map);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  private record Evidence(int number, Set<String> terms, Set<String> numbers) {}

  private record Judgement(int number, double share, List<String> missingNumbers) {
    boolean supported() {
      return share >= MIN_SUPPORT && missingNumbers.isEmpty();
    }

    boolean better(Judgement other) {
      if (supported() != other.supported()) {
        return supported();
      }
      if (missingNumbers.size() != other.missingNumbers.size()) {
        return missingNumbers.size() < other.missingNumbers.size();
      }
      return share > other.share;
    }

    String reason() {
      if (!missingNumbers.isEmpty()) {
        return "states " + String.join(", ", missingNumbers) + ", which [" + number + "] does not";
      }
      return String.format(
          Locale.ROOT,
          "[%d] holds %.0f%% of its terms (%.0f%% needed)",
          number,
          share * 100,
          MIN_SUPPORT * 100);
    }
  }
}
