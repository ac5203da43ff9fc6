package dev.rag.ingest.rest;

import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.TenantContext;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.ParseResult;
import dev.rag.ingest.parse.ParsedDocument;
import dev.rag.ingest.parse.UnreadableFileException;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Uploads of files in any supported format: text, Markdown, HTML, PDF, JSON Lines (BEIR layout, one
 * document per line) and paper listings (one document per paper). The format comes from the
 * Content-Type, then the name's extension, then the bytes. Answers 202 with a receipt per document
 * and the parts that could not be read; a file that yields nothing is a 400 naming it and why.
 */
@Path("/v1/files")
@jakarta.annotation.security.RolesAllowed(dev.rag.auth.Roles.INGEST)
public class FileResource {

  private final IngestService ingest;
  private final TenantContext tenants;
  private final int maxFileBytes;

  FileResource(IngestService ingest, TenantContext tenants, IngestConfig config) {
    this.ingest = ingest;
    this.tenants = tenants;
    this.maxFileBytes = config.limits().maxFileBytes();
  }

  /** A part of the file that was not ingested, and why. */
  public record FileError(String where, String id, String reason) {}

  /** What became of an uploaded file. */
  public record FileReceipt(
      String file, String format, List<AcceptedDocument> documents, List<FileError> errors) {}

  @POST
  @io.smallrye.common.annotation.Blocking
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response upload(
      byte[] body,
      @RestQuery String name,
      @RestQuery String id,
      @RestQuery String source,
      @RestQuery String title,
      @RestHeader("Content-Type") String contentType) {
    String file = name == null || name.isBlank() ? (id == null ? "upload" : id) : name;
    if (body == null || body.length == 0) {
      return unreadable(file, "the file is empty");
    }
    if (body.length > maxFileBytes) {
      return unreadable(
          file, "the file is " + body.length + " bytes, over the limit of " + maxFileBytes);
    }
    ParseResult parsed;
    try {
      parsed = DocumentParsers.parse(file, contentType, body);
    } catch (UnreadableFileException e) {
      return unreadable(file, e.getMessage());
    }
    List<FileError> errors = new ArrayList<>();
    parsed.problems().forEach(p -> errors.add(new FileError(p.where(), null, p.reason())));
    boolean single = parsed.documents().size() == 1 && parsed.documents().get(0).id() == null;
    List<DocumentSubmission> submissions = new ArrayList<>();
    for (ParsedDocument d : parsed.documents()) {
      String docId = single ? (id == null || id.isBlank() ? file : id) : d.id();
      String docTitle =
          single && title != null && !title.isBlank()
              ? title
              : !d.title().isBlank() ? d.title() : single ? baseName(file) : "";
      Map<String, String> metadata = new LinkedHashMap<>(d.metadata());
      metadata.putIfAbsent("file", file);
      metadata.putIfAbsent("format", parsed.format());
      submissions.add(
          new DocumentSubmission(docId, source, docTitle, d.text(), d.contentType(), metadata));
    }
    // Resolved here, on the request's thread: the pipeline below continues on others.
    String tenant = tenants.current();
    List<Object> results =
        Multi.createFrom()
            .iterable(submissions)
            .onItem()
            .transformToUni(
                s ->
                    ingest
                        .accept(tenant, s)
                        .map(a -> (Object) a)
                        .onFailure()
                        .recoverWithItem(
                            e ->
                                new FileError(
                                    s.id(),
                                    s.id(),
                                    e instanceof InvalidDocumentException ide
                                        ? ide.field() + ": " + ide.getMessage()
                                        : e.getMessage())))
            .merge(32)
            .collect()
            .asList()
            .await()
            .atMost(java.time.Duration.ofMinutes(5));
    List<AcceptedDocument> accepted = new ArrayList<>();
    for (Object r : results) {
      if (r instanceof AcceptedDocument a) {
        accepted.add(a);
      } else {
        errors.add((FileError) r);
      }
    }
    return Response.accepted(new FileReceipt(file, parsed.format(), accepted, errors)).build();
  }

  private static Response unreadable(String file, String reason) {
    return Response.status(400)
        .type(Problem.MEDIA_TYPE)
        .entity(
            new Problem(
                "urn:rag:problem:unreadable-file",
                "Unreadable file",
                400,
                file + ": " + reason,
                "file"))
        .build();
  }

  private static String baseName(String file) {
    String base = file.substring(file.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }
}
