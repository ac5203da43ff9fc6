package dev.rag.generate;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What kind of answer a question asks for, read from its words: one about several documents ("which
 * papers...", "compare...", "what do the sources say about..."), and which of a document's recorded
 * facts (date, authors, pages, file, source, title) it asks about. The patterns are plain
 * alternations of words, matched once over a question the chat API has already bounded in length.
 */
public final class QuestionShape {

  /** A document's facts as its metadata records them, and the words that ask for each. */
  public enum Fact {
    DATE(List.of("date", "year"), "date dated year published publication released"),
    AUTHORS(List.of("authors", "author"), "author authors wrote written writer byline"),
    PAGES(List.of("pages"), "pages page"),
    FILE(List.of("file"), "file filename"),
    SOURCE(List.of("source"), "source journal venue"),
    TITLE(List.of(), "title titled");

    /** The metadata keys holding the fact, the first present one answering. */
    final List<String> keys;

    /** The question's terms (as {@link TermAnalyzer} gives them) that ask for it. */
    final Set<String> cues;

    Fact(List<String> keys, String cueWords) {
      this.keys = keys;
      this.cues = Set.copyOf(TermAnalyzer.terms(cueWords));
    }
  }

  private static final String DOCUMENTS =
      "(papers|documents|articles|studies|sources|publications|abstracts|files)";

  private static final Pattern SEVERAL =
      Pattern.compile(
          "\\b(which|what|any|all|list|name|find|show)( the| of the| other)? "
              + DOCUMENTS
              + "\\b"
              + "|\\b"
              + DOCUMENTS
              + " (that|which|about|on|proposing|propose|describing|discussing|using|mention"
              + "|mentioning)\\b"
              + "|\\bcompare\\b|\\bcomparison\\b|\\bcontrast\\b|\\bdifferences? between\\b"
              + "|\\bwhat do (the )?"
              + DOCUMENTS
              + " say\\b"
              + "|\\bacross (the )?"
              + DOCUMENTS
              + "\\b");

  private QuestionShape() {}

  /** Whether the question asks about several documents rather than for one answer. */
  public static boolean aboutSeveralDocuments(String question) {
    return SEVERAL.matcher(question.toLowerCase(Locale.ROOT)).find();
  }

  /** The facts the question asks about, in {@link Fact} order; empty when none. */
  public static Set<Fact> factsAsked(String question) {
    Set<String> terms = Set.copyOf(TermAnalyzer.terms(question));
    Set<Fact> asked = EnumSet.noneOf(Fact.class);
    for (Fact f : Fact.values()) {
      for (String cue : f.cues) {
        if (terms.contains(cue)) {
          asked.add(f);
          break;
        }
      }
    }
    if (!yearsIn(terms).isEmpty()) {
      // "Which papers are from 2019?" asks for their dates.
      asked.add(Fact.DATE);
    }
    if (aboutSeveralDocuments(question)) {
      // "What do the sources say about..." asks about their content, not where they come from.
      asked.remove(Fact.SOURCE);
    }
    return asked;
  }

  /**
   * One sentence stating the facts of a document its metadata records, or empty when it records
   * none of those asked: "Matryoshka Representation Learning is dated May 26, 2022, with 5
   * authors."
   */
  public static String factSentence(String title, Map<String, String> metadata, Set<Fact> asked) {
    StringBuilder s = new StringBuilder();
    int stated = 0;
    for (Fact f : asked) {
      String value = value(metadata, f);
      if (value.isEmpty()) {
        continue;
      }
      boolean first = stated == 0;
      s.append(first ? " " : ", ");
      boolean year = !f.keys.get(0).equals(key(metadata, f));
      switch (f) {
        case DATE ->
            s.append(year ? (first ? "is from " : "from ") : (first ? "is dated " : "dated "));
        case AUTHORS ->
            s.append(
                startsWithNumber(value) ? (first ? "has " : "with ") : (first ? "is by " : "by "));
        case PAGES -> s.append(first ? "has " : "");
        case FILE -> s.append(first ? "is in the file " : "in the file ");
        case SOURCE -> s.append(first ? "comes from " : "from ");
        case TITLE -> {}
      }
      s.append(value);
      if (f == Fact.PAGES || (f == Fact.AUTHORS && allDigits(value))) {
        s.append(f == Fact.PAGES ? " pages" : " authors");
      }
      stated++;
    }
    String name = title == null ? "" : title.strip();
    if (stated == 0) {
      return asked.contains(Fact.TITLE) && !name.isEmpty()
          ? "The document is titled " + name + "."
          : "";
    }
    if (name.isEmpty()) {
      name = "The document";
    }
    return name + s + ".";
  }

  /**
   * The terms asking for facts that a document's metadata answers: each asked fact's cue words when
   * the metadata records it, and for a date the years the question names that its date holds. A
   * document dated 2018 does not answer "which papers are from 2019?".
   */
  static Set<String> cuesAnswered(
      Map<String, String> metadata, Set<Fact> asked, Set<String> years) {
    Set<String> cues = new LinkedHashSet<>();
    for (Fact f : asked) {
      String value = value(metadata, f);
      if (f == Fact.DATE && !years.isEmpty()) {
        boolean matches = false;
        for (String y : years) {
          if (value.contains(y)) {
            cues.add(y);
            matches = true;
          }
        }
        if (matches) {
          cues.addAll(f.cues);
        }
      } else if (f == Fact.TITLE || !value.isEmpty()) {
        cues.addAll(f.cues);
      }
    }
    return cues;
  }

  private static String value(Map<String, String> metadata, Fact f) {
    String key = key(metadata, f);
    return key == null ? "" : metadata.get(key).strip();
  }

  private static String key(Map<String, String> metadata, Fact f) {
    for (String k : f.keys) {
      String v = metadata.get(k);
      if (v != null && !v.isBlank()) {
        return k;
      }
    }
    return null;
  }

  /** The years (1500 to 2099) among a question's terms (as {@link TermAnalyzer} gives them). */
  static Set<String> yearsIn(Collection<String> terms) {
    Set<String> years = new LinkedHashSet<>();
    for (String t : terms) {
      if (isYear(t)) {
        years.add(t);
      }
    }
    return years;
  }

  /** A year of the last five centuries, as a question writes it: 1500 to 2099. */
  private static boolean isYear(String term) {
    if (term.length() != 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (!Character.isDigit(term.charAt(i))) {
        return false;
      }
    }
    int year = Integer.parseInt(term);
    return year >= 1500 && year <= 2099;
  }

  private static boolean allDigits(String value) {
    return !value.isEmpty() && value.chars().allMatch(Character::isDigit);
  }

  private static boolean startsWithNumber(String value) {
    return !value.isEmpty() && Character.isDigit(value.charAt(0));
  }
}
