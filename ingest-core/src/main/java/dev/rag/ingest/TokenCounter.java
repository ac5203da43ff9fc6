package dev.rag.ingest;

/** Counts the tokens a text costs in the embedding model's input budget. */
public interface TokenCounter {

  /** Number of tokens in {@code text}. */
  int count(String text);

  /**
   * A close estimate of a WordPiece tokenizer on English text: one token per word, number or
   * punctuation mark, and one more for every 8 characters of a long word, which such tokenizers
   * split into pieces. It never undercounts ordinary prose by much, so a chunk sized with it fits
   * the model's window.
   */
  static TokenCounter approximate() {
    return text -> {
      int tokens = 0;
      int wordLength = 0;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isLetterOrDigit(c)) {
          wordLength++;
          continue;
        }
        if (wordLength > 0) {
          tokens += 1 + (wordLength - 1) / 8;
          wordLength = 0;
        }
        if (!Character.isWhitespace(c)) {
          tokens++;
        }
      }
      if (wordLength > 0) {
        tokens += 1 + (wordLength - 1) / 8;
      }
      return tokens;
    };
  }
}
