package dev.rag.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Body of {@code POST /v1/documents}.
 *
 * @param id required; unique within the source
 * @param source optional, default {@code default}
 * @param title optional
 * @param text required, at most {@code ingest.limits.max-document-bytes} bytes
 * @param contentType optional: {@code text/plain} (default) or {@code text/markdown}
 * @param metadata optional; values are strings, numbers or booleans (kept as strings)
 */
public record DocumentRequest(
    String id,
    String source,
    String title,
    String text,
    String contentType,
    Map<String, JsonNode> metadata) {}
