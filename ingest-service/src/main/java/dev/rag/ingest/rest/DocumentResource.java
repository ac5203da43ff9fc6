package dev.rag.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentStatus;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.DocumentValidator;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** HTTP door for documents; the tenant is always the caller's key's. */
@Path("/v1/documents")
@RolesAllowed(Roles.INGEST)
public class DocumentResource {

  private final IngestService ingest;
  private final Callers callers;

  DocumentResource(IngestService ingest, Callers callers) {
    this.ingest = ingest;
    this.callers = callers;
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
    return ingest.accept(callers.tenant(), submission).map(RestResponse::accepted);
  }

  /**
   * Accepts a document sent as its raw body, e.g. {@code curl --data-binary @notes.md -H
   * 'Content-Type: text/markdown' 'http://localhost:8081/v1/documents?id=notes'}.
   */
  @POST
  @Consumes({MediaType.TEXT_PLAIN, "text/markdown", "text/x-markdown", "text/html"})
  @Produces(MediaType.APPLICATION_JSON)
  public Uni<RestResponse<AcceptedDocument>> upload(
      String body,
      @RestQuery String id,
      @RestQuery String source,
      @RestQuery String title,
      @RestHeader("Content-Type") String contentType) {
    return ingest
        .accept(
            callers.tenant(),
            new DocumentSubmission(id, source, title, body, contentType, Map.of()))
        .map(RestResponse::accepted);
  }

  /** A document's status, as {@code GET /v1/documents/{id}} and the status query answer it. */
  public record StatusView(
      String id, String source, String version, String state, int chunks, String reason) {

    static StatusView of(DocumentStatus s) {
      return new StatusView(
          s.documentId(),
          s.source(),
          s.version(),
          s.state().label(),
          s.chunks(),
          s.reason().isEmpty() ? null : s.reason());
    }

    static StatusView unknown(String source, String id) {
      return new StatusView(id, source, null, "unknown", 0, null);
    }
  }

  /**
   * A document's state: accepted, chunked, embedded, indexed, failed (with the reason) or deleted,
   * and its chunk count. 404 when the document is not known.
   */
  @GET
  @Path("/{id}")
  @Produces(MediaType.APPLICATION_JSON)
  public Response status(@RestPath String id, @RestQuery String source) {
    return ingest
        .status(callers.tenant(), source, id)
        .map(s -> Response.ok(StatusView.of(s)).build())
        .orElseGet(
            () ->
                Response.status(404)
                    .type(Problem.MEDIA_TYPE)
                    .entity(
                        new Problem(
                            "urn:rag:problem:not-found",
                            "Not found",
                            404,
                            "no document '" + id + "' in source '" + sourceOrDefault(source) + "'",
                            "id"))
                    .build());
  }

  /** Body of the status query: the documents to report on. */
  public record StatusQuery(List<DocumentRef> documents) {}

  /** A document named by source (optional) and id. */
  public record DocumentRef(String source, String id) {}

  /** The status of many documents at once (up to 10000), for progress displays. */
  @POST
  @Path("/status")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public List<StatusView> statuses(StatusQuery query) {
    if (query == null || query.documents() == null) {
      throw new InvalidDocumentException("documents", "a list of {source, id} is required");
    }
    if (query.documents().size() > 10_000) {
      throw new InvalidDocumentException("documents", "at most 10000 documents per query");
    }
    String tenant = callers.tenant();
    return query.documents().stream()
        .map(
            d ->
                ingest
                    .status(tenant, d.source(), d.id())
                    .map(StatusView::of)
                    .orElseGet(() -> StatusView.unknown(sourceOrDefault(d.source()), d.id())))
        .toList();
  }

  /**
   * Deletes a document: a tombstone on the documents topic, after which every point of the document
   * is removed. 202 once the tombstone is durable.
   */
  @DELETE
  @Path("/{id}")
  public Uni<Response> delete(@RestPath String id, @RestQuery String source) {
    return ingest.delete(callers.tenant(), source, id).map(v -> Response.accepted().build());
  }

  private static String sourceOrDefault(String source) {
    return source == null || source.isBlank() ? DocumentValidator.DEFAULT_SOURCE : source;
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
