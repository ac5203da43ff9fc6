package dev.rag.generate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Token estimates for usage figures and the answer's token limit: words and punctuation marks. */
public final class Tokens {

  private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}\\s]");

  private Tokens() {}

  public static int count(String text) {
    Matcher m = TOKEN.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** The longest prefix of {@code text} with at most {@code max} tokens, cut after a token. */
  public static String truncate(String text, int max) {
    Matcher m = TOKEN.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
      if (n == max) {
        return text.substring(0, m.end());
      }
    }
    return text;
  }
}
