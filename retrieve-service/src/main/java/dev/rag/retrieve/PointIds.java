package dev.rag.retrieve;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic point ids: a name-based UUID (version 5, SHA-1) of tenant, source, document id,
 * version, chunk index and model. Redelivered events overwrite the same points, so indexing is
 * idempotent.
 */
public final class PointIds {

  /** Namespace of this project's point ids. */
  static final UUID NAMESPACE = UUID.fromString("6c1f3b7e-2a4d-5f0e-9b8a-52a7c1d0e4f3");

  private PointIds() {}

  public static UUID of(
      String tenant,
      String source,
      String documentId,
      String version,
      int chunkIndex,
      String model) {
    String name =
        String.join(
            "\u0000", tenant, source, documentId, version, Integer.toString(chunkIndex), model);
    return v5(NAMESPACE, name);
  }

  /**
   * The id of the point that remembers which event of a document a model's index applied last
   * ({@link IndexedVersion}); it cannot equal a passage's id (another name space of names).
   */
  public static UUID marker(String tenant, String source, String documentId) {
    return v5(NAMESPACE, String.join("\u0000", "indexed-version", tenant, source, documentId));
  }

  static UUID v5(UUID namespace, String name) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      ByteBuffer ns = ByteBuffer.allocate(16);
      ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
      sha1.update(ns.array());
      sha1.update(name.getBytes(StandardCharsets.UTF_8));
      byte[] hash = sha1.digest();
      hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
      hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
      ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
      return new UUID(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
