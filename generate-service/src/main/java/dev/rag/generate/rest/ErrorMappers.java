package dev.rag.generate.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.rag.common.errors.OpenAiError;
import dev.rag.generate.InvalidChatRequestException;
import dev.rag.generate.RetrievalUnavailableException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors of the chat API in OpenAI's error shape, so OpenAI clients report them properly. */
public class ErrorMappers {

  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response invalid(InvalidChatRequestException e) {
    return error(400, OpenAiError.invalidRequest(e.getMessage(), e.field()));
  }

  @ServerExceptionMapper
  public Response unavailable(RetrievalUnavailableException e) {
    LOG.warn(e.getMessage());
    return error(
        503,
        OpenAiError.server(
            "document retrieval is unavailable right now; retry shortly", "retrieval_unavailable"));
  }

  @ServerExceptionMapper
  public Response unauthenticated(AuthenticationFailedException e) {
    return unauthorized();
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e) {
    return unauthorized();
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return error(403, OpenAiError.forbidden(e.getMessage()));
  }

  private static Response unauthorized() {
    return Response.status(401)
        .type(MediaType.APPLICATION_JSON)
        .header("WWW-Authenticate", "Bearer realm=\"rag\"")
        .entity(OpenAiError.unauthenticated())
        .build();
  }

  @ServerExceptionMapper
  public Response malformed(JsonProcessingException e) {
    return jsonError(e);
  }

  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e) {
    return jsonError(e);
  }

  @ServerExceptionMapper
  public Response unparseable(JsonParseException e) {
    return jsonError(e);
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (e.getCause() instanceof JsonProcessingException json) {
      return jsonError(json);
    }
    String message =
        status == 400 ? "the body could not be read as JSON" : String.valueOf(e.getMessage());
    return error(status, OpenAiError.invalidRequest(message, null));
  }

  private static Response jsonError(JsonProcessingException e) {
    String param = null;
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      param =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
    }
    return error(
        400,
        OpenAiError.invalidRequest(
            "the body is not a valid chat completion request: " + e.getOriginalMessage(), param));
  }

  private static Response error(int status, OpenAiError body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
  }
}
