package dev.rag.generate;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The offline answerer: composes an answer from the retrieved passages' own sentences, each cited.
 *
 * <p>Each sentence is scored by how much of the question it covers (question terms weighted by
 * their rarity among the candidate sentences) and by its passage's retrieval score; the best of
 * them by those are scored again with their closeness in meaning to the question (the {@link
 * SentenceScorer}, the system's embedding model), when it can tell. Sentences are then picked by
 * maximal marginal relevance, so the answer does not repeat itself, at most a few per document and
 * only those scoring near the best, and put back in document order. When no sentence shares a term
 * with the question, the answer says that the documents do not answer it rather than quoting
 * something unrelated.
 *
 * <p>A question about several documents ({@link QuestionShape#aboutSeveralDocuments}) is answered
 * with one point per document, each that document's best sentence, for as many documents as score
 * near the best. A question about a document's recorded facts (its date, authors, pages...: {@link
 * QuestionShape#factsAsked}) also weighs, for each document, a sentence stating those facts from
 * its metadata. A follow-up weighs its own words above those taken from the conversation and is
 * answered only by sentences holding one of them; one without words of its own ("tell me more") is
 * answered with what the previous answer did not say.
 */
public final class ExtractiveSynthesizer {

  /** Said when nothing was retrieved. */
  public static final String NOTHING_FOUND =
      "I found nothing in the indexed documents about this question.";

  /** Said when passages were retrieved but none of their sentences speaks to the question. */
  public static final String NOT_ANSWERED =
      "The retrieved passages do not answer this question; the closest ones are listed as"
          + " sources.";

  private static final double COVERAGE_WEIGHT = 0.65;

  /**
   * The share of the question's weighted terms one sentence must hold to answer when no passage is
   * close to the question in meaning.
   */
  static final double DISTANT_MIN_COVERAGE = 0.5;

  /** With meaning known: the weights of coverage, closeness in meaning and passage rank. */
  private static final double DENSE_COVERAGE_WEIGHT = 0.4;

  private static final double DENSE_WEIGHT = 0.4;

  private static final double LAMBDA = 0.7;

  /** How much more a follow-up's own terms weigh than those the conversation lent it. */
  private static final double FOCUS_WEIGHT = 2.0;

  /** Words that ask for several documents rather than say what they are about. */
  private static final Set<String> SEVERAL_WORDS =
      Set.copyOf(
          TermAnalyzer.terms(
              "papers paper documents document articles article studies study works work sources"
                  + " source publications publication reports report abstracts abstract files"
                  + " file say says mention mentions compare comparison contrast list name find"
                  + " show describe describes discuss discusses differences difference between"
                  + " across any all other from about over under after before through during"
                  + " within without than also very some each were been being has had"));

  /**
   * Words of a follow-up that ask for more or point back at the conversation rather than name what
   * it is about.
   */
  private static final Set<String> MORE_WORDS =
      Set.copyOf(
          TermAnalyzer.terms(
              "tell more else explain elaborate detail details continue expand further again"
                  + " please me i we you about anything something go it its they them their"
                  + " theirs this that these those he him his she her hers former latter there"
                  + " same such"));

  /** Documents an answer about several documents cites at most, unless told otherwise. */
  static final int DEFAULT_MAX_DOCUMENTS = 5;

  /** The share of the best score a document's point needs, unless told otherwise. */
  static final double DEFAULT_SEVERAL_MIN_RELATIVE = 0.6;

  /** Term overlap (Jaccard) above which a sentence counts as a repeat of one already chosen. */
  private static final double NEAR_DUPLICATE = 0.75;

  private final int maxSentences;
  private final int maxPerDocument;
  private final double minRelative;
  private final int maxChars;
  private final SentenceScorer scorer;
  private final int denseCandidates;
  private final int maxDocuments;
  private final double severalMinRelative;
  private final double distantMinCoverage;

  /**
   * A question to answer.
   *
   * @param text the whole question, a follow-up's with the conversation's words it leans on
   * @param focus a follow-up's own words, weighed above the rest; empty when not a follow-up
   * @param previousAnswer the conversation's previous answer, whose sentences are not repeated;
   *     empty when none
   */
  public record Question(String text, String focus, String previousAnswer) {
    public Question {
      focus = focus == null ? "" : focus;
      previousAnswer = previousAnswer == null ? "" : previousAnswer;
    }

    /** A question on its own. */
    public static Question of(String text) {
      return new Question(text, "", "");
    }
  }

  /**
   * An answerer by words alone, any number of sentences per document, each scoring at least half
   * the best one's.
   *
   * @param maxSentences most sentences in an answer
   * @param maxChars soft limit on the answer's length: no sentence is added past it
   */
  public ExtractiveSynthesizer(int maxSentences, int maxChars) {
    this(maxSentences, maxSentences, 0.5, maxChars, SentenceScorer.NONE, 0);
  }

  /**
   * @param maxSentences most sentences in an answer
   * @param maxPerDocument most sentences of one document
   * @param minRelative the share of the best sentence's score another must reach to join
   * @param maxChars soft limit on the answer's length: no sentence is added past it
   * @param scorer closeness in meaning of sentences to the question
   * @param denseCandidates how many of the best sentences by words the scorer scores again; 0 for
   *     none
   */
  public ExtractiveSynthesizer(
      int maxSentences,
      int maxPerDocument,
      double minRelative,
      int maxChars,
      SentenceScorer scorer,
      int denseCandidates) {
    this(
        maxSentences,
        maxPerDocument,
        minRelative,
        maxChars,
        scorer,
        denseCandidates,
        DEFAULT_MAX_DOCUMENTS,
        DEFAULT_SEVERAL_MIN_RELATIVE,
        DISTANT_MIN_COVERAGE);
  }

  /**
   * As {@link #ExtractiveSynthesizer(int, int, double, int, SentenceScorer, int)}, with how
   * questions about several documents and distant questions are answered.
   *
   * @param maxDocuments most documents (one point each) in an answer about several documents
   * @param severalMinRelative the share of the best point's score another document's point must
   *     reach to join such an answer
   * @param distantMinCoverage the share of a distant question's weighted content terms one sentence
   *     must hold to answer it
   */
  public ExtractiveSynthesizer(
      int maxSentences,
      int maxPerDocument,
      double minRelative,
      int maxChars,
      SentenceScorer scorer,
      int denseCandidates,
      int maxDocuments,
      double severalMinRelative,
      double distantMinCoverage) {
    this.distantMinCoverage = distantMinCoverage;
    this.maxDocuments = Math.max(1, maxDocuments);
    this.severalMinRelative = severalMinRelative;
    this.maxSentences = maxSentences;
    this.maxPerDocument = Math.max(1, maxPerDocument);
    this.minRelative = minRelative;
    this.maxChars = maxChars;
    this.scorer = scorer;
    this.denseCandidates = denseCandidates;
  }

  /**
   * Answers {@code question} from {@code passages} (in retrieval order).
   *
   * @param maxTokens most answer tokens; 0 for no limit
   */
  public Answer answer(String question, List<RetrievedPassage> passages, int maxTokens) {
    return answer(Question.of(question), passages, maxTokens, false);
  }

  /** As {@link #answer(Question, List, int, boolean)}, for a question on its own. */
  public Answer answer(
      String question, List<RetrievedPassage> passages, int maxTokens, boolean distant) {
    return answer(Question.of(question), passages, maxTokens, distant);
  }

  /**
   * As {@link #answer(String, List, int)}; when {@code distant} (no passage is close to the
   * question in meaning), only a sentence covering at least the distant share (by default {@value
   * #DISTANT_MIN_COVERAGE}) of the question's weighted terms answers it, else the answer abstains.
   */
  public Answer answer(
      Question question, List<RetrievedPassage> passages, int maxTokens, boolean distant) {
    int promptTokens =
        Tokens.count(question.text())
            + passages.stream().mapToInt(p -> Tokens.count(p.text())).sum();
    if (passages.isEmpty()) {
      return finish(NOTHING_FOUND, List.of(), maxTokens, promptTokens);
    }
    boolean several = QuestionShape.aboutSeveralDocuments(question.text());
    Set<QuestionShape.Fact> facts = QuestionShape.factsAsked(question.text());
    Set<String> questionTerms = new HashSet<>(TermAnalyzer.terms(question.text()));
    if (several) {
      // "Which papers propose...": the words asking for several documents are not what is asked
      // about, and would only dilute each document's coverage of what is.
      Set<String> content = new HashSet<>(questionTerms);
      content.removeAll(QUESTION_WORDS);
      content.removeAll(SEVERAL_WORDS);
      if (!content.isEmpty()) {
        questionTerms = content;
      }
    }
    Set<String> focusTerms = new HashSet<>(TermAnalyzer.terms(question.focus()));
    List<Candidate> candidates = candidates(passages, facts, QuestionShape.yearsIn(questionTerms));
    // A follow-up is answered about what is new in it: only sentences holding one of its own
    // words answer it ("and which port?"); one without words of its own ("tell me more") is
    // answered with what the previous answer did not already say.
    Set<String> focusContent = new HashSet<>(focusTerms);
    focusContent.removeAll(QUESTION_WORDS);
    focusContent.removeAll(MORE_WORDS);
    if (several) {
      focusContent.removeAll(SEVERAL_WORDS);
    }
    if (!focusContent.isEmpty()) {
      candidates.removeIf(c -> focusContent.stream().noneMatch(c.terms::contains));
    } else if (!question.previousAnswer().isBlank()) {
      // Compared whole, sentence by sentence (a set, so a long hostile history costs one pass).
      Set<String> said = new HashSet<>();
      for (String sentence : ClaimSupport.sentences(question.previousAnswer())) {
        said.add(words(CitationChecker.strip(sentence)));
      }
      candidates.removeIf(c -> said.contains(words(c.text)));
    }
    if (candidates.isEmpty()) {
      return finish(NOT_ANSWERED, uncited(passages), maxTokens, promptTokens);
    }
    Map<String, Double> idf = idf(candidates);
    Map<String, Double> weight = new HashMap<>();
    for (String t : questionTerms) {
      double w = idf.getOrDefault(t, maxIdf(candidates.size()));
      weight.put(t, focusTerms.contains(t) ? FOCUS_WEIGHT * w : w);
    }
    double questionWeight = weight.values().stream().mapToDouble(Double::doubleValue).sum();
    double maxScore = passages.stream().mapToDouble(RetrievedPassage::score).max().orElse(0);
    for (Candidate c : candidates) {
      double covered = 0;
      for (String t : questionTerms) {
        if (c.terms.contains(t)) {
          covered += weight.get(t);
        }
      }
      c.coverage = questionWeight == 0 ? 0 : covered / questionWeight;
      double prior =
          maxScore > 0
              ? Math.max(0, passages.get(c.passage).score() / maxScore)
              : 1.0 / (1 + c.passage);
      c.prior = prior;
      c.relevance = COVERAGE_WEIGHT * c.coverage + (1 - COVERAGE_WEIGHT) * prior;
      if (c.words < 5) {
        c.relevance *= 0.5;
      }
    }
    double bestCoverage = candidates.stream().mapToDouble(c -> c.coverage).max().orElse(0);
    if (bestCoverage == 0) {
      return finish(NOT_ANSWERED, uncited(passages), maxTokens, promptTokens);
    }
    List<Candidate> chosen =
        several
            ? select(
                // Only documents whose point shares a term with the question may be listed.
                byMeaning(question.text(), candidates, true).stream()
                    .filter(c -> c.coverage > 0)
                    .toList(),
                maxDocuments,
                1,
                severalMinRelative,
                2 * maxChars)
            : select(
                byMeaning(question.text(), candidates, false),
                maxSentences,
                maxPerDocument,
                minRelative,
                maxChars);
    if (distant
        && contentCoverage(chosen, questionTerms, idf, candidates.size()) < distantMinCoverage) {
      return finish(NOT_ANSWERED, uncited(passages), maxTokens, promptTokens);
    }
    if (chosen.isEmpty()) {
      // The strongest candidate was a sentence that shares nothing with the question, ranked up by
      // its passage's score alone: the few words shared elsewhere are no answer either.
      return finish(NOT_ANSWERED, uncited(passages), maxTokens, promptTokens);
    }
    chosen.sort(
        Comparator.comparingInt((Candidate c) -> c.passage).thenComparingInt(c -> c.position));

    Map<Integer, Integer> numberOfPassage = new LinkedHashMap<>();
    StringBuilder text = new StringBuilder();
    for (Candidate c : chosen) {
      int number = numberOfPassage.computeIfAbsent(c.passage, p -> numberOfPassage.size() + 1);
      if (several && chosen.size() > 1) {
        // One point per document, each on its own line.
        text.append(text.isEmpty() ? "- " : "\n- ");
      } else if (!text.isEmpty()) {
        text.append(' ');
      }
      text.append(cite(c.text, number));
    }
    List<SourceRef> sources = new ArrayList<>();
    numberOfPassage.forEach((p, n) -> sources.add(new SourceRef(n, passages.get(p), true)));
    for (int i = 0; i < passages.size(); i++) {
      if (!numberOfPassage.containsKey(i)) {
        sources.add(new SourceRef(sources.size() + 1, passages.get(i), false));
      }
    }
    return finish(text.toString(), sources, maxTokens, promptTokens);
  }

  /**
   * The largest share of the question's weighted content terms (its words but the question words:
   * what, how, do...) that one chosen sentence holds.
   */
  private static double contentCoverage(
      List<Candidate> chosen, Set<String> questionTerms, Map<String, Double> idf, int candidates) {
    Set<String> content = new HashSet<>(questionTerms);
    content.removeAll(QUESTION_WORDS);
    double weight =
        content.stream().mapToDouble(t -> idf.getOrDefault(t, maxIdf(candidates))).sum();
    if (weight == 0) {
      return 0;
    }
    double best = 0;
    for (Candidate c : chosen) {
      double covered = 0;
      for (String t : content) {
        if (c.terms.contains(t)) {
          covered += idf.get(t);
        }
      }
      best = Math.max(best, covered / weight);
    }
    return best;
  }

  /** The words that ask rather than say what is asked about, as the analyzer gives them. */
  private static final Set<String> QUESTION_WORDS =
      Set.copyOf(
          TermAnalyzer.terms(
              "what which who whom whose how why when where do does did can could should would"
                  + " may might must shall has have had"));

  /**
   * The best candidates by their words, scored again with their closeness in meaning to the
   * question (min-max scaled among them); all candidates as they are when meaning is not known.
   */
  private List<Candidate> byMeaning(String question, List<Candidate> candidates, boolean several) {
    if (denseCandidates <= 0 || candidates.size() < 2) {
      return candidates;
    }
    List<Candidate> sorted =
        candidates.stream()
            .sorted(Comparator.comparingDouble((Candidate c) -> c.relevance).reversed())
            .toList();
    Set<Candidate> picked =
        new LinkedHashSet<>(sorted.subList(0, Math.min(denseCandidates, sorted.size())));
    if (several) {
      // Each document's best sentence by words is weighed too: each may be its point.
      Set<Integer> documents = new HashSet<>();
      for (Candidate c : sorted) {
        if (documents.add(c.document)) {
          picked.add(c);
        }
      }
    }
    List<Candidate> shortlist = List.copyOf(picked);
    double[] similarity =
        scorer
            .similarities(question, shortlist.stream().map(c -> c.text).toList())
            .filter(s -> s.length == shortlist.size())
            .orElse(null);
    if (similarity == null) {
      return candidates;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double s : similarity) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    for (int i = 0; i < shortlist.size(); i++) {
      Candidate c = shortlist.get(i);
      double meaning = hi > lo ? (similarity[i] - lo) / (hi - lo) : 1;
      c.relevance =
          DENSE_COVERAGE_WEIGHT * c.coverage
              + DENSE_WEIGHT * meaning
              + (1 - DENSE_COVERAGE_WEIGHT - DENSE_WEIGHT) * c.prior;
      if (c.words < 5) {
        c.relevance *= 0.5;
      }
    }
    return shortlist;
  }

  private static List<Candidate> select(
      List<Candidate> candidates,
      int maxSentences,
      int maxPerDocument,
      double minRelative,
      int maxChars) {
    List<Candidate> chosen = new ArrayList<>();
    Map<Integer, Integer> perDocument = new HashMap<>();
    Candidate top =
        candidates.stream().max(Comparator.comparingDouble(c -> c.relevance)).orElse(null);
    if (top == null || top.coverage == 0) {
      // The strongest sentence shares nothing with the question, ranked up by its passage's
      // score alone: the few words shared elsewhere are no answer either.
      return chosen;
    }
    double best = top.relevance;
    // Only sentences sharing a term with the question and scoring near the best may join: one that
    // shares none never ends the answer early by winning a round on its passage's rank alone.
    List<Candidate> pool = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.coverage > 0 && c.relevance >= minRelative * best) {
        pool.add(c);
      }
    }
    int chars = 0;
    while (chosen.size() < maxSentences && !pool.isEmpty()) {
      Candidate next = null;
      double nextScore = Double.NEGATIVE_INFINITY;
      for (Candidate c : pool) {
        double redundancy = 0;
        for (Candidate s : chosen) {
          redundancy = Math.max(redundancy, jaccard(c.terms, s.terms));
        }
        if (redundancy > NEAR_DUPLICATE
            || perDocument.getOrDefault(c.document, 0) >= maxPerDocument) {
          continue;
        }
        double mmr = LAMBDA * c.relevance - (1 - LAMBDA) * redundancy;
        if (mmr > nextScore) {
          nextScore = mmr;
          next = c;
        }
      }
      if (next == null || (!chosen.isEmpty() && chars + next.text.length() > maxChars)) {
        break;
      }
      chosen.add(next);
      perDocument.merge(next.document, 1, Integer::sum);
      pool.remove(next);
      chars += next.text.length();
    }
    return chosen;
  }

  private static Answer finish(
      String text, List<SourceRef> sources, int maxTokens, int promptTokens) {
    int tokens = Tokens.count(text);
    if (maxTokens > 0 && tokens > maxTokens) {
      String cut = Tokens.truncate(text, maxTokens);
      return new Answer(cut, sources, "length", promptTokens, maxTokens);
    }
    return new Answer(text, sources, "stop", promptTokens, tokens);
  }

  private static List<SourceRef> uncited(List<RetrievedPassage> passages) {
    List<SourceRef> refs = new ArrayList<>();
    for (int i = 0; i < passages.size(); i++) {
      refs.add(new SourceRef(i + 1, passages.get(i), false));
    }
    return refs;
  }

  /** Puts the citation before the sentence's closing punctuation: "... partitions [1]." */
  static String cite(String sentence, int number) {
    int end = sentence.length();
    while (end > 0 && ".!?;:".indexOf(sentence.charAt(end - 1)) >= 0) {
      end--;
    }
    String closing = sentence.substring(end);
    return sentence.substring(0, end) + " [" + number + "]" + (closing.isEmpty() ? "." : closing);
  }

  private static List<Candidate> candidates(
      List<RetrievedPassage> passages, Set<QuestionShape.Fact> facts, Set<String> years) {
    List<Candidate> result = new ArrayList<>();
    Map<String, Integer> documents = new HashMap<>();
    for (int p = 0; p < passages.size(); p++) {
      RetrievedPassage passage = passages.get(p);
      int known = documents.size();
      int document =
          documents.computeIfAbsent(
              passage.source() + "/" + passage.documentId(), d -> documents.size());
      if (!facts.isEmpty() && document == known) {
        factCandidate(p, document, passage, facts, years).ifPresent(result::add);
      }
      String body = passages.get(p).text().replace('\n', ' ');
      BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
      it.setText(body);
      int position = 0;
      int from = it.first();
      for (int to = it.next(); to != BreakIterator.DONE; from = to, to = it.next()) {
        String sentence = body.substring(from, to).strip();
        if (sentence.isEmpty()) {
          continue;
        }
        List<String> terms = TermAnalyzer.terms(sentence);
        if (terms.isEmpty()) {
          continue;
        }
        result.add(
            new Candidate(
                p,
                document,
                position++,
                sentence,
                new HashSet<>(terms),
                sentence.split("\\s+").length));
      }
    }
    return result;
  }

  /**
   * The sentence stating a document's facts the question asks about, from its metadata, cited to
   * the document's best passage; its terms hold the words asking for those facts, so that it covers
   * them.
   */
  private static Optional<Candidate> factCandidate(
      int p,
      int document,
      RetrievedPassage passage,
      Set<QuestionShape.Fact> facts,
      Set<String> years) {
    Map<String, String> metadata = new HashMap<>(passage.metadata());
    metadata.putIfAbsent("source", passage.source());
    Set<String> cues = QuestionShape.cuesAnswered(metadata, facts, years);
    String sentence = QuestionShape.factSentence(passage.title(), metadata, facts);
    if (sentence.isEmpty() || cues.isEmpty()) {
      // It records none of what is asked (or not the year asked about): nothing to state.
      return Optional.empty();
    }
    Set<String> terms = new HashSet<>(TermAnalyzer.terms(sentence));
    terms.addAll(cues);
    return Optional.of(
        new Candidate(p, document, -1, sentence, terms, sentence.split("\\s+").length));
  }

  /** Lower-case words and numbers, one space apart, for comparing sentences. */
  private static String words(String text) {
    StringBuilder s = new StringBuilder(text.length());
    boolean space = true;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isLetterOrDigit(c)) {
        s.appendCodePoint(Character.toLowerCase(c));
        space = false;
      } else if (!space) {
        s.append(' ');
        space = true;
      }
    }
    return s.toString().strip();
  }

  private static Map<String, Double> idf(List<Candidate> candidates) {
    Map<String, Integer> df = new HashMap<>();
    for (Candidate c : candidates) {
      for (String t : c.terms) {
        df.merge(t, 1, Integer::sum);
      }
    }
    int n = candidates.size();
    Map<String, Double> idf = new HashMap<>();
    df.forEach((t, d) -> idf.put(t, Math.log(1 + (n - d + 0.5) / (d + 0.5))));
    return idf;
  }

  private static double maxIdf(int n) {
    return Math.log(1 + (n + 0.5) / 0.5);
  }

  private static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return 0;
    }
    int common = 0;
    for (String t : a) {
      if (b.contains(t)) {
        common++;
      }
    }
    return (double) common / (a.size() + b.size() - common);
  }

  private static final class Candidate {
    final int passage;
    final int document;
    final int position;
    final String text;
    final Set<String> terms;
    final int words;
    double coverage;
    double prior;
    double relevance;

    Candidate(int passage, int document, int position, String text, Set<String> terms, int words) {
      this.passage = passage;
      this.document = document;
      this.position = position;
      this.text = text;
      this.terms = terms;
      this.words = words;
    }
  }
}
