package dev.rag.ingest.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.QuotaExceededException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps request errors to {@code application/problem+json}. */
public class ProblemMappers {

  static final String INVALID_DOCUMENT = "urn:rag:problem:invalid-document";
  static final String MALFORMED_REQUEST = "urn:rag:problem:malformed-request";

  @ServerExceptionMapper
  public Response invalidDocument(InvalidDocumentException e) {
    return problem(
        new Problem(INVALID_DOCUMENT, "Invalid document", 400, e.getMessage(), e.field()));
  }

  @ServerExceptionMapper
  public Response quotaExceeded(QuotaExceededException e) {
    return problem(
        new Problem("urn:rag:problem:quota-exceeded", "Quota exceeded", 403, e.getMessage(), null));
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
    return problem(
        new Problem(
            "urn:rag:problem:forbidden",
            "Not allowed",
            403,
            e.getMessage() == null ? "this API key may not do that" : e.getMessage(),
            null));
  }

  private static Response unauthorized() {
    return Response.fromResponse(
            problem(
                new Problem(
                    "urn:rag:problem:unauthenticated",
                    "API key required",
                    401,
                    "a valid API key is required (Authorization: Bearer <key>)",
                    null)))
        .header("WWW-Authenticate", "Bearer realm=\"rag\"")
        .build();
  }

  // Jackson's own mappers are registered for the specific types; ours must name them too to win.
  @ServerExceptionMapper
  public Response malformedJson(JsonProcessingException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response mismatchedInput(MismatchedInputException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response unrecognizedField(UnrecognizedPropertyException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response unparseable(JsonParseException e) {
    return jsonProblem(e);
  }

  @ServerExceptionMapper
  public Response badMapping(JsonMappingException e) {
    return jsonProblem(e);
  }

  private static Response jsonProblem(JsonProcessingException e) {
    String field = null;
    String detail;
    if (e instanceof UnrecognizedPropertyException unknown) {
      field = unknown.getPropertyName();
      detail = "unknown field '" + field + "'";
    } else if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      field =
          mapping.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      detail = "field '" + field + "' has the wrong type: " + e.getOriginalMessage();
    } else {
      detail = "the body is not valid JSON: " + e.getOriginalMessage();
    }
    return problem(new Problem(MALFORMED_REQUEST, "Malformed request", 400, detail, field));
  }

  /** Other request errors the framework raises (unreadable body, wrong media type, 404, 405). */
  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    if (status >= 500) {
      return e.getResponse();
    }
    Throwable cause = e.getCause();
    if (cause instanceof JsonProcessingException json) {
      return jsonProblem(json);
    }
    String detail =
        status == 400
            ? "the body could not be read as a JSON document"
            : e.getMessage() == null ? "request refused" : e.getMessage();
    return problem(
        new Problem(
            status == 400 ? MALFORMED_REQUEST : "about:blank",
            e.getResponse().getStatusInfo().getReasonPhrase(),
            status,
            detail,
            null));
  }

  @ServerExceptionMapper
  public Response brokerUnavailable(KafkaException e) {
    return problem(
        new Problem(
            "urn:rag:problem:unavailable",
            "Temporarily unavailable",
            503,
            "the document could not be stored on the event log; retry later",
            null));
  }

  private static Response problem(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }
}
