package dev.rag.ingest.parse;

/** Where a parser hands the documents of a file, one at a time, and the parts it could not read. */
public interface DocumentSink {

  /** The format the file is read as ({@code pdf}, {@code jsonl}, ...): told before any document. */
  default void format(String format) {}

  /** A document read from the file. */
  void document(ParsedDocument document);

  /** A part of the file that could not be read; the other parts go on. */
  void problem(ParseResult.Problem problem);
}
