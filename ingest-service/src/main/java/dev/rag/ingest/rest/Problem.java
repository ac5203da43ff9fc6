package dev.rag.ingest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}.
 *
 * @param type stable identifier of the kind of problem
 * @param title short summary of the kind of problem
 * @param status HTTP status
 * @param detail what went wrong with this request
 * @param field the request field in error, when one is
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

  /** Media type of problem details. */
  public static final String MEDIA_TYPE = "application/problem+json";
}
