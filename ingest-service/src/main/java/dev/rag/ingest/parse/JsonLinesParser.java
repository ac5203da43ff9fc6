package dev.rag.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Lines in the BEIR corpus layout: one document per line, {@code {"_id", "title", "text",
 * "metadata"}} with {@code _id} and {@code text} required. A line that breaks the layout is
 * reported with its number and reason; the other lines go through.
 */
public final class JsonLinesParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLinesParser() {}

  public static ParseResult parse(String content) {
    List<ParsedDocument> documents = new ArrayList<>();
    List<ParseResult.Problem> problems = new ArrayList<>();
    String[] lines = content.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + (i + 1);
      try {
        documents.add(document(JSON.readTree(line)));
      } catch (JsonProcessingException e) {
        problems.add(new ParseResult.Problem(where, "not JSON: " + e.getOriginalMessage()));
      } catch (IllegalArgumentException e) {
        problems.add(new ParseResult.Problem(where, e.getMessage()));
      }
    }
    return new ParseResult("jsonl", documents, problems);
  }

  private static ParsedDocument document(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a line must be a JSON object");
    }
    JsonNode id = node.get("_id");
    if (id == null || !id.isValueNode() || id.asText().isBlank()) {
      throw new IllegalArgumentException("_id is required (a string or number)");
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new IllegalArgumentException("text is required and must be a string");
    }
    JsonNode title = node.get("title");
    if (title != null && !title.isNull() && !title.isTextual()) {
      throw new IllegalArgumentException("title must be a string");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = node.get("metadata");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw new IllegalArgumentException("metadata must be an object");
      }
      meta.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                  metadata.put(e.getKey(), e.getValue().asText());
                } else if (!e.getValue().isNull()) {
                  // Nested values (BEIR sometimes carries lists) are kept as their JSON text.
                  metadata.put(e.getKey(), e.getValue().toString());
                }
              });
    }
    return new ParsedDocument(
        id.asText(),
        title == null || title.isNull() ? "" : title.asText(),
        text.asText(),
        "text/plain",
        metadata);
  }
}
