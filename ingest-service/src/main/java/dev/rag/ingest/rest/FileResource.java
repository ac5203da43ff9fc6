package dev.rag.ingest.rest;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.ingest.FileIngestService;
import dev.rag.ingest.FileIngestService.FileUpload;
import dev.rag.ingest.ParsePermits;
import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.FileOverLimitException;
import dev.rag.ingest.parse.FileTooLargeException;
import dev.rag.ingest.parse.ParseLimits;
import dev.rag.ingest.parse.UnreadableFileException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * HTTP door for files in any supported format (see {@link FileIngestService}): text, Markdown,
 * HTML, PDF, JSON Lines (BEIR layout, one document per line) and paper listings (one document per
 * paper). The format comes from the Content-Type, then the name's extension, then the bytes.
 * Answers 202 with a receipt per document and the parts that could not be read; a file that yields
 * nothing is a 400 naming it and why, a file over a size limit a 413, one whose content breaks a
 * limit on reading it a 422, and an upload while the caller (or this instance) is parsing as many
 * files as allowed a 429.
 *
 * <p>The body is streamed to a temporary file, never held in memory, and parsed from there.
 */
@Path("/v1/files")
@RolesAllowed(Roles.INGEST)
public class FileResource {

  private final FileIngestService files;
  private final Callers callers;
  private final ParsePermits permits;

  FileResource(FileIngestService files, Callers callers, ParsePermits permits) {
    this.files = files;
    this.callers = callers;
    this.permits = permits;
  }

  @POST
  @Blocking
  @Consumes(MediaType.WILDCARD)
  @Produces(MediaType.APPLICATION_JSON)
  public Response upload(
      InputStream body,
      @RestQuery String name,
      @RestQuery String id,
      @RestQuery String source,
      @RestQuery String title,
      @RestHeader("Content-Type") String contentType,
      @RestHeader("Content-Length") Long contentLength) {
    String file = name == null || name.isBlank() ? (id == null ? "upload" : id) : name;
    long maxFileBytes = files.limits().maxFileBytes();
    if (contentLength != null && contentLength > maxFileBytes) {
      return tooLarge(file, contentLength + " bytes");
    }
    // Resolved here, on the request's thread: the pipeline below continues on others.
    String tenant = callers.tenant();
    java.nio.file.Path spooled = null;
    try (ParsePermits.Permit forKey = permits.forKey(callers.keyId())) {
      spooled = Files.createTempFile("rag-upload-", ".bin");
      long size = spool(body, spooled, maxFileBytes);
      if (size < 0) {
        return tooLarge(file, "longer");
      }
      FileUpload upload = new FileUpload(file, contentType, id, source, title);
      return Response.accepted(files.ingest(tenant, spooled, upload)).build();
    } catch (ParsePermits.BusyException e) {
      return Response.fromResponse(problem(429, BUSY, "Too many uploads at once", e.getMessage()))
          .header("Retry-After", "1")
          .build();
    } catch (FileTooLargeException e) {
      return problem(413, TOO_LARGE, "File too large", file + ": " + e.getMessage());
    } catch (FileOverLimitException e) {
      return problem(422, OVER_LIMIT, "File over a limit", file + ": " + e.getMessage());
    } catch (UnreadableFileException e) {
      return problem(400, UNREADABLE, "Unreadable file", file + ": " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the upload", e);
    } finally {
      if (spooled != null) {
        try {
          Files.deleteIfExists(spooled);
        } catch (IOException e) {
          // Left to the temporary folder's cleaning.
        }
      }
    }
  }

  /** A format files may be in: its name as lists show it, its content type, its extensions. */
  public record AcceptedFormat(String format, String contentType, List<String> extensions) {}

  /** What an upload may be, for a client to check before it sends (the page shows them). */
  public record UploadLimits(
      long maxFileBytes,
      long maxTextFileBytes,
      int maxDocumentsPerFile,
      int maxPdfPages,
      List<AcceptedFormat> formats) {}

  /**
   * The limits an upload must keep and the formats it may be in; files of a format read whole
   * (text, Markdown, HTML, paper listings) may be up to {@code maxTextFileBytes}.
   */
  @GET
  @Path("/limits")
  @Produces(MediaType.APPLICATION_JSON)
  public UploadLimits limits() {
    ParseLimits l = files.limits();
    return new UploadLimits(
        l.maxFileBytes(),
        l.maxTextFileBytes(),
        l.maxDocumentsPerFile(),
        l.maxPdfPages(),
        Arrays.stream(DocumentParsers.Format.values())
            .map(
                f ->
                    new AcceptedFormat(
                        f.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        f.contentType(),
                        f.extensions()))
            .toList());
  }

  static final String UNREADABLE = "urn:rag:problem:unreadable-file";
  static final String TOO_LARGE = "urn:rag:problem:file-too-large";
  static final String OVER_LIMIT = "urn:rag:problem:file-over-limit";
  static final String BUSY = "urn:rag:problem:busy";

  /**
   * Copies the body to {@code file}, at most {@code max} bytes.
   *
   * @return the bytes copied, or -1 when the body is longer than {@code max}
   */
  private static long spool(InputStream body, java.nio.file.Path file, long max)
      throws IOException {
    long total = 0;
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        total += n;
        if (total > max) {
          return -1;
        }
        out.write(buffer, 0, n);
      }
    }
    return total;
  }

  private Response tooLarge(String file, String size) {
    return problem(
        413,
        TOO_LARGE,
        "File too large",
        file
            + ": the file is "
            + size
            + ", over the limit of "
            + files.limits().maxFileBytes()
            + " (ingest.limits.max-file-bytes)");
  }

  private static Response problem(int status, String type, String title, String detail) {
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .entity(new Problem(type, title, status, detail, "file"))
        .build();
  }
}
