package dev.rag.generate.mcp;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The MCP resource URIs of documents and passages; source and document id are percent-encoded, so
 * any id fits in one path segment.
 */
final class PassageUris {

  static final String DOCUMENT_TEMPLATE = "rag://documents/{source}/{document}";
  static final String PASSAGE_TEMPLATE = "rag://passages/{source}/{document}/{chunk}";

  private PassageUris() {}

  static String document(String source, String documentId) {
    return "rag://documents/" + encode(source) + "/" + encode(documentId);
  }

  static String passage(String source, String documentId, int chunk) {
    return "rag://passages/" + encode(source) + "/" + encode(documentId) + "/" + chunk;
  }

  static String decode(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }

  private static String encode(String part) {
    return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
