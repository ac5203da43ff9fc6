package dev.rag.ingest.rest;

import dev.rag.auth.Roles;
import dev.rag.ingest.kafka.ReplayService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestPath;

/**
 * Replays of the documents topic for a new embedding model ({@code ./rag reindex}). A replay reads
 * every tenant's documents, so it needs the operator role, which no tenant role (admin included)
 * carries. 409 while another replay runs or for the live model, 503 when embed-service cannot say
 * which model is live.
 */
@Path("/v1/admin/replays")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class ReplayResource {

  private final ReplayService replays;

  ReplayResource(ReplayService replays) {
    this.replays = replays;
  }

  /** Body of {@code POST /v1/admin/replays}. */
  public record ReplayRequest(String targetModel) {}

  /** Starts a replay; answers 202 with its id and progress. */
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response start(ReplayRequest request) {
    try {
      var replay = replays.start(request == null ? null : request.targetModel());
      return Response.accepted(replay.view()).build();
    } catch (ReplayService.RefusedException e) {
      int status = e.conflict() ? 409 : 503;
      return Response.status(status)
          .type(Problem.MEDIA_TYPE)
          .entity(
              new Problem(
                  "urn:rag:problem:replay-refused",
                  "Replay refused",
                  status,
                  e.getMessage(),
                  "targetModel"))
          .build();
    } catch (IllegalArgumentException e) {
      return Response.status(400)
          .type(Problem.MEDIA_TYPE)
          .entity(
              new Problem(
                  "urn:rag:problem:invalid-replay",
                  "Invalid replay",
                  400,
                  e.getMessage(),
                  "targetModel"))
          .build();
    }
  }

  /** A replay's progress: state (running, done, failed), total, processed, failed records. */
  @GET
  @Path("/{id}")
  public Response get(@RestPath String id) {
    return replays
        .get(id)
        .map(r -> Response.ok(r.view()).build())
        .orElseGet(
            () ->
                Response.status(404)
                    .type(Problem.MEDIA_TYPE)
                    .entity(
                        new Problem(
                            "urn:rag:problem:not-found", "Not found", 404, "no replay " + id, "id"))
                    .build());
  }
}
