package dev.rag.common;

import java.util.Optional;

/**
 * The record key of every event about one document, {@code tenant/source/documentId}: all of a
 * document's events share it, so they land on one partition and stay in order. Tenants and sources
 * hold no '/', so the first two separate the parts; the id may hold more.
 *
 * @param tenant whose document it is
 * @param source the source it is filed under
 * @param documentId its id within the source
 */
public record DocumentKey(String tenant, String source, String documentId) {

  /** The key of this document, as events carry it. */
  @Override
  public String toString() {
    return tenant + "/" + source + "/" + documentId;
  }

  /** The document a key names, or empty when the key is not of the form tenant/source/id. */
  public static Optional<DocumentKey> parse(String key) {
    if (key == null) {
      return Optional.empty();
    }
    String[] parts = key.split("/", 3);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DocumentKey(parts[0], parts[1], parts[2]));
  }
}
