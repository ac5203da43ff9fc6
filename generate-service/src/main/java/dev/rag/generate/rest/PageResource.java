package dev.rag.generate.rest;

import dev.rag.generate.config.GenerateConfig;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * What the page at {@code /} needs to know before it asks for a key: where ingest-service answers
 * (uploads, the list of documents, deletes). Nothing secret; open to all, as the page's files are.
 */
@Path("/page/config")
@PermitAll
public class PageResource {

  /**
   * The page's settings.
   *
   * @param ingest ingest-service's base URL; empty for this origin (an Ingress that routes {@code
   *     /v1/files} and {@code /v1/documents} there)
   */
  public record PageConfig(String ingest) {}

  private final PageConfig config;

  PageResource(GenerateConfig generate) {
    this.config =
        new PageConfig(generate.page().ingestUrl().map(u -> u.replaceAll("/+$", "")).orElse(""));
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public PageConfig config() {
    return config;
  }
}
