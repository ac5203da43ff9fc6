package dev.rag.generate.rest;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.common.errors.OpenAiError;
import dev.rag.generate.PassageRetriever;
import dev.rag.generate.RetrievedPassage;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestPath;

/** The sources a question can be asked of, for clients that let people choose. */
@Path("/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.QUERY)
public class SourcesResource {

  private final PassageRetriever retriever;
  private final Callers callers;

  SourcesResource(PassageRetriever retriever, Callers callers) {
    this.retriever = retriever;
    this.callers = callers;
  }

  /** {@code {"object":"list","data":[{"name":..,"documents":..,"passages":..}]}}, by name. */
  @GET
  @Blocking
  public Map<String, Object> list() {
    List<Map<String, Object>> data =
        retriever.sources(callers.tenant()).stream()
            .sorted(Comparator.comparing(PassageRetriever.SourceSummary::name))
            .map(
                s ->
                    Map.<String, Object>of(
                        "name", s.name(), "documents", s.documents(), "passages", s.passages()))
            .toList();
    return Map.of("object", "list", "data", data);
  }

  /**
   * A document's passages in order (the first {@code generate.limits.max-document-passages}):
   * {@code {"object":"list","source":..,"document_id":..,"title":..,"data":[{chunk, section, text,
   * page_start, page_end}]}}; 404 when the caller's tenant has no such document indexed.
   */
  @GET
  @Blocking
  @Path("/{source}/documents/{id}/passages")
  public Response passages(@RestPath String source, @RestPath String id) {
    List<RetrievedPassage> passages = retriever.document(callers.tenant(), source, id);
    if (passages.isEmpty()) {
      return Response.status(404)
          .type(MediaType.APPLICATION_JSON)
          .entity(
              new OpenAiError(
                  new OpenAiError.Body(
                      "no indexed document '" + id + "' in source '" + source + "'",
                      "invalid_request_error",
                      "id",
                      "not_found")))
          .build();
    }
    List<Map<String, Object>> data = new ArrayList<>();
    for (RetrievedPassage p : passages) {
      Map<String, Object> passage = new LinkedHashMap<>();
      passage.put("chunk", p.chunkIndex());
      passage.put("section", p.section());
      passage.put("text", p.text());
      if (p.pageStart() > 0) {
        passage.put("page_start", p.pageStart());
        passage.put("page_end", p.pageEnd());
      }
      data.add(passage);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("object", "list");
    body.put("source", source);
    body.put("document_id", id);
    body.put("title", passages.get(0).title());
    body.put("data", data);
    return Response.ok(body).build();
  }
}
