package dev.rag.generate.rest;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.generate.PassageRetriever;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
}
