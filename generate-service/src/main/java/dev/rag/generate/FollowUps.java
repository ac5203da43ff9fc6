package dev.rag.generate;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a follow-up question into a stand-alone retrieval query without an LLM: when the latest
 * question leans on the conversation (a pronoun such as "it" or "their", an opener such as "what
 * about", or almost no content words of its own), the previous question is put in front of it, so
 * "what about its second author?" after "Who wrote the ColBERT paper?" searches for both.
 */
public final class FollowUps {

  private static final Set<String> ANAPHORA =
      Set.of(
          "it", "its", "it's", "they", "them", "their", "theirs", "this", "that", "these", "those",
          "he", "him", "his", "she", "her", "hers", "former", "latter", "there", "same", "such");
  private static final Pattern OPENER =
      Pattern.compile(
          "^(what|how) about\\b|^and\\b|^also\\b|^what else\\b|^why( not)?\\??$|^how so\\b|^more\\b"
              + "|^(tell me )?more\\b|^(and|but|so) (what|how|why|who|which|when|where)\\b");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");

  private FollowUps() {}

  /**
   * The retrieval query for the latest user message of a conversation.
   *
   * @param messages the conversation, oldest first, ending with (or containing) the question
   */
  public static String standalone(List<ChatMessage> messages) {
    int last = lastUser(messages, messages.size() - 1);
    if (last < 0) {
      return "";
    }
    String question = messages.get(last).content().strip();
    int previous = lastUser(messages, last - 1);
    if (previous < 0 || !isFollowUp(question)) {
      return question;
    }
    return messages.get(previous).content().strip() + " " + question;
  }

  /** Whether a question needs the conversation to be understood. */
  static boolean isFollowUp(String question) {
    String lower = question.toLowerCase(Locale.ROOT).strip();
    if (OPENER.matcher(lower).find()) {
      return true;
    }
    var words = WORD.matcher(lower);
    while (words.find()) {
      if (ANAPHORA.contains(words.group())) {
        return true;
      }
    }
    return TermAnalyzer.terms(question).size() <= 1;
  }

  private static int lastUser(List<ChatMessage> messages, int from) {
    for (int i = from; i >= 0; i--) {
      ChatMessage m = messages.get(i);
      if ("user".equals(m.role()) && m.content() != null && !m.content().isBlank()) {
        return i;
      }
    }
    return -1;
  }
}
