package dev.rag.ingest.rest;

import dev.rag.auth.Callers;
import dev.rag.auth.Roles;
import dev.rag.ingest.AcceptedDocument;
import dev.rag.ingest.DocumentSubmission;
import dev.rag.ingest.IngestService;
import dev.rag.ingest.InvalidDocumentException;
import dev.rag.ingest.ParsePermits;
import dev.rag.ingest.TenantContext;
import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.DocumentSink;
import dev.rag.ingest.parse.FileOverLimitException;
import dev.rag.ingest.parse.FileTooLargeException;
import dev.rag.ingest.parse.ParseLimits;
import dev.rag.ingest.parse.ParseResult;
import dev.rag.ingest.parse.ParsedDocument;
import dev.rag.ingest.parse.UnreadableFileException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Uploads of files in any supported format: text, Markdown, HTML, PDF, JSON Lines (BEIR layout, one
 * document per line) and paper listings (one document per paper). The format comes from the
 * Content-Type, then the name's extension, then the bytes. Answers 202 with a receipt per document
 * and the parts that could not be read; a file that yields nothing is a 400 naming it and why, a
 * file over a size limit a 413, one whose content breaks a limit on reading it a 422, and an upload
 * while the caller (or this instance) is parsing as many files as allowed a 429.
 *
 * <p>The body is streamed to a temporary file, never held in memory, and parsed from there.
 */
@Path("/v1/files")
@RolesAllowed(Roles.INGEST)
public class FileResource {

  /** Documents of one file on their way to the documents topic at once. */
  private static final int IN_FLIGHT = 32;

  private final IngestService ingest;
  private final TenantContext tenants;
  private final Callers callers;
  private final ParsePermits permits;
  private final ParseLimits limits;

  FileResource(
      IngestService ingest,
      TenantContext tenants,
      Callers callers,
      ParsePermits permits,
      IngestConfig config) {
    this.ingest = ingest;
    this.tenants = tenants;
    this.callers = callers;
    this.permits = permits;
    IngestConfig.Limits l = config.limits();
    this.limits =
        new ParseLimits(
            l.maxFileBytes(),
            l.maxTextFileBytes(),
            l.maxDocumentBytes(),
            l.maxDocumentsPerFile(),
            l.maxHtmlElements(),
            l.pdf().maxPages(),
            l.pdf().maxStreamBytes(),
            l.pdf().maxDecodedBytes(),
            l.pdf().timeout());
  }

  /** A part of the file that was not ingested, and why. */
  public record FileError(String where, String id, String reason) {}

  /** What became of an uploaded file. */
  public record FileReceipt(
      String file, String format, List<AcceptedDocument> documents, List<FileError> errors) {}

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
    if (contentLength != null && contentLength > limits.maxFileBytes()) {
      return tooLarge(file, contentLength + " bytes");
    }
    // Resolved here, on the request's thread: the pipeline below continues on others.
    String tenant = tenants.current();
    java.nio.file.Path spooled = null;
    try (ParsePermits.Permit forKey = permits.forKey(callers.keyId())) {
      spooled = Files.createTempFile("rag-upload-", ".bin");
      long size = spool(body, spooled, limits.maxFileBytes());
      if (size < 0) {
        return tooLarge(file, "longer");
      }
      if (size == 0) {
        return problem(400, UNREADABLE, "Unreadable file", file + ": the file is empty");
      }
      Upload upload = new Upload(tenant, file, id, source, title);
      try (ParsePermits.Permit parse = permits.forParse()) {
        DocumentParsers.parse(file, contentType, spooled, limits, upload);
      }
      return Response.accepted(upload.receipt()).build();
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
      throw new java.io.UncheckedIOException("could not store the upload", e);
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

  /** The documents of one file, accepted as the parser hands them on, a window at a time. */
  private final class Upload implements DocumentSink {
    private final String tenant;
    private final String file;
    private final String id;
    private final String source;
    private final String title;
    private final List<AcceptedDocument> accepted = new ArrayList<>();
    private final List<FileError> errors = new ArrayList<>();
    private final Deque<CompletableFuture<Object>> inFlight = new ArrayDeque<>();
    private String format = "";

    Upload(String tenant, String file, String id, String source, String title) {
      this.tenant = tenant;
      this.file = file;
      this.id = id;
      this.source = source;
      this.title = title;
    }

    @Override
    public void format(String format) {
      this.format = format;
    }

    @Override
    public void problem(ParseResult.Problem p) {
      errors.add(new FileError(p.where(), null, p.reason()));
    }

    /**
     * A document without an id of its own is the whole file (PDF, HTML, Markdown, text): named
     * after the file unless the caller gave an id and a title.
     */
    @Override
    public void document(ParsedDocument d) {
      boolean single = d.id() == null;
      String docId = single ? (id == null || id.isBlank() ? file : id) : d.id();
      String docTitle =
          single && title != null && !title.isBlank()
              ? title
              : !d.title().isBlank() ? d.title() : single ? baseName(file) : "";
      Map<String, String> metadata = new LinkedHashMap<>(d.metadata());
      metadata.putIfAbsent("file", file);
      metadata.putIfAbsent("format", format);
      DocumentSubmission s =
          new DocumentSubmission(docId, source, docTitle, d.text(), d.contentType(), metadata);
      inFlight.add(
          ingest
              .accept(tenant, s)
              .map(a -> (Object) a)
              .onFailure()
              .recoverWithItem(e -> new FileError(docId, docId, reason(e)))
              .subscribeAsCompletionStage());
      if (inFlight.size() >= IN_FLIGHT) {
        collect(inFlight.poll());
      }
    }

    FileReceipt receipt() {
      while (!inFlight.isEmpty()) {
        collect(inFlight.poll());
      }
      return new FileReceipt(file, format, accepted, errors);
    }

    private void collect(CompletableFuture<Object> pending) {
      Object result;
      try {
        result = pending.get(2, TimeUnit.MINUTES);
      } catch (TimeoutException e) {
        result = new FileError(file, null, "not stored on the documents topic within 2 minutes");
      } catch (ExecutionException e) {
        result = new FileError(file, null, reason(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = new FileError(file, null, "interrupted");
      }
      if (result instanceof AcceptedDocument a) {
        accepted.add(a);
      } else {
        errors.add((FileError) result);
      }
    }
  }

  private static String reason(Throwable e) {
    return e instanceof InvalidDocumentException ide
        ? ide.field() + ": " + ide.getMessage()
        : e.getMessage();
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
            + limits.maxFileBytes()
            + " (ingest.limits.max-file-bytes)");
  }

  private static Response problem(int status, String type, String title, String detail) {
    return Response.status(status)
        .type(Problem.MEDIA_TYPE)
        .entity(new Problem(type, title, status, detail, "file"))
        .build();
  }

  private static String baseName(String file) {
    String base = file.substring(file.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }
}
