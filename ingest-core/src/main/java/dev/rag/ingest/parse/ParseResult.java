package dev.rag.ingest.parse;

import java.util.List;

/**
 * What a file yielded: its documents, and the parts of it that could not be read (a bad line of a
 * JSON Lines file), each with the reason. The readable documents go through regardless.
 */
public record ParseResult(String format, List<ParsedDocument> documents, List<Problem> problems) {

  /** A part of a file that could not be read. */
  public record Problem(String where, String reason) {}
}
