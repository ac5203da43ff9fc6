package dev.rag.retrieve;

import java.util.List;
import java.util.Map;

/**
 * Conditions every returned passage meets.
 *
 * @param documentIds only these documents, when not empty
 * @param metadata document metadata that must match exactly
 */
public record PassageFilter(List<String> documentIds, Map<String, String> metadata) {

  /** No restriction. */
  public static final PassageFilter NONE = new PassageFilter(List.of(), Map.of());
}
