package dev.rag.ingest.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentState;
import dev.rag.ingest.DocumentStatus;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.DocumentValidator;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.StatusStore;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Arrays;
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

  /**
   * A document's status, as {@code GET /v1/documents/{id}}, the status query and the list answer
   * it; title, format and pages once known (null before), and when it was last updated.
   */
  public record StatusView(
      String id,
      String source,
      String version,
      String state,
      int chunks,
      String reason,
      String title,
      String format,
      Integer pages,
      Instant updated) {

    static StatusView of(DocumentStatus s) {
      DocumentStatus.Description d =
          s.description() == null ? DocumentStatus.Description.NONE : s.description();
      return new StatusView(
          s.documentId(),
          s.source(),
          s.version(),
          s.state().label(),
          s.chunks(),
          s.reason().isEmpty() ? null : s.reason(),
          d.title().isEmpty() ? null : d.title(),
          d.format().isEmpty() ? null : d.format(),
          d.pages() == 0 ? null : d.pages(),
          s.updatedAtMs() == 0 ? null : Instant.ofEpochMilli(s.updatedAtMs()));
    }

    static StatusView unknown(String source, String id) {
      return new StatusView(id, source, null, "unknown", 0, null, null, null, null, null);
    }
  }

  /**
   * A page of documents and where the next starts: pass {@code next} as {@code after} (null on the
   * last page).
   */
  public record DocumentList(List<StatusView> documents, String next) {}

  /**
   * The caller's documents, in order of source then id: of one source or all, in one state or all
   * but the deleted, {@code limit} at a time (100 unless given). 503 while this instance is still
   * reading the statuses.
   */
  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response list(
      @RestQuery String source,
      @RestQuery String state,
      @RestQuery String after,
      @RestQuery @DefaultValue("100") int limit) {
    DocumentState wanted = null;
    if (state != null && !state.isBlank()) {
      wanted =
          Arrays.stream(DocumentState.values())
              .filter(s -> s != DocumentState.UNKNOWN && s.label().equals(state))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidDocumentException(
                          "state",
                          "one of accepted, chunked, embedded, indexed, failed, deleting,"
                              + " deleted"));
    }
    StatusStore.Page page =
        ingest.list(
            callers.tenant(),
            source == null || source.isBlank() ? null : source,
            wanted,
            after,
            limit);
    if (!page.complete() && page.documents().isEmpty()) {
      return Response.status(503)
          .type(Problem.MEDIA_TYPE)
          .header("Retry-After", "1")
          .entity(
              new Problem(
                  "urn:rag:problem:starting",
                  "Starting",
                  503,
                  "this instance is still reading the document statuses; try again",
                  null))
          .build();
    }
    return Response.ok(
            new DocumentList(page.documents().stream().map(StatusView::of).toList(), page.next()))
        .build();
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
