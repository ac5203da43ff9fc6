package dev.rag.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** HTTP door for documents. */
@Path("/v1/documents")
public class DocumentResource {

  private final IngestService ingest;

  DocumentResource(IngestService ingest) {
    this.ingest = ingest;
  }

  /**
   * Accepts a document. Answers 202 with a receipt once the document is durable on the documents
   * topic; it becomes searchable when indexing catches up.
   */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Uni<RestResponse<AcceptedDocument>> ingest(DocumentRequest request) {
    if (request == null) {
      throw new InvalidDocumentException("body", "a JSON document is required");
    }
    DocumentSubmission submission =
        new DocumentSubmission(
            request.id(),
            request.source(),
            request.title(),
            request.text(),
            request.contentType(),
            metadata(request.metadata()));
    return ingest.accept(submission).map(RestResponse::accepted);
  }

  /**
   * Accepts a document sent as its raw body, e.g. {@code curl --data-binary @notes.md -H
   * 'Content-Type: text/markdown' 'http://localhost:8081/v1/documents?id=notes'}.
   */
  @POST
  @Consumes({MediaType.TEXT_PLAIN, "text/markdown", "text/x-markdown"})
  @Produces(MediaType.APPLICATION_JSON)
  public Uni<RestResponse<AcceptedDocument>> upload(
      String body,
      @RestQuery String id,
      @RestQuery String source,
      @RestQuery String title,
      @RestHeader("Content-Type") String contentType) {
    return ingest
        .accept(new DocumentSubmission(id, source, title, body, contentType, Map.of()))
        .map(RestResponse::accepted);
  }

  private static Map<String, String> metadata(Map<String, JsonNode> raw) {
    Map<String, String> result = new LinkedHashMap<>();
    if (raw == null) {
      return result;
    }
    raw.forEach(
        (key, value) -> {
          if (value == null || value.isNull()) {
            return;
          }
          if (!value.isValueNode()) {
            throw new InvalidDocumentException(
                "metadata." + key, "metadata values must be strings, numbers or booleans");
          }
          result.put(key, value.asText());
        });
    return result;
  }
}
