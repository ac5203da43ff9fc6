package dev.rag.generate;

/**
 * What the answering reports for counting (the edge decides how: {@code
 * metrics/MicrometerAnswerMetrics} counts in Micrometer).
 */
public interface AnswerMetrics {

  /** Counts nothing (unit tests). */
  AnswerMetrics NONE =
      new AnswerMetrics() {
        @Override
        public void fellBack() {}

        @Override
        public void interrupted() {}

        @Override
        public void citationsRemoved(int count) {}

        @Override
        public void unsupportedClaims(int count) {}
      };

  /** An answer was given extractively because the language model could not answer. */
  void fellBack();

  /** A model answer stopped midway (its text ends with a note). */
  void interrupted();

  /** {@code count} citations pointed at no given source and were removed. */
  void citationsRemoved(int count);

  /** An answer held {@code count} cited sentences that the sources they cite do not support. */
  void unsupportedClaims(int count);
}
