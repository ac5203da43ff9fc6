package dev.rag.ingest;

import dev.rag.ingest.config.IngestConfig;
import dev.rag.ingest.parse.DocumentParsers;
import dev.rag.ingest.parse.DocumentSink;
import dev.rag.ingest.parse.FileTooLargeException;
import dev.rag.ingest.parse.ParseLimits;
import dev.rag.ingest.parse.ParseResult;
import dev.rag.ingest.parse.ParsedDocument;
import dev.rag.ingest.parse.UnreadableFileException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Ingesting a file in any supported format, whichever door it came through: the file is parsed
 * ({@link DocumentParsers}, within {@link ParseLimits}) and each document it yields is accepted
 * ({@link IngestService}) as the parser hands it on, a window at a time. A part that cannot be
 * read, or a document that is refused, is reported and the others go on. At most {@code
 * ingest.limits.parses.max-concurrent} files are parsed at once ({@link ParsePermits}).
 */
@ApplicationScoped
public class FileIngestService {

  /** Documents of one file on their way to the documents topic at once. */
  private static final int IN_FLIGHT = 32;

  private final IngestService ingest;
  private final ParsePermits permits;
  private final ParseLimits limits;

  @Inject
  FileIngestService(IngestService ingest, ParsePermits permits, IngestConfig config) {
    this(ingest, permits, parseLimits(config.limits()));
  }

  FileIngestService(IngestService ingest, ParsePermits permits, ParseLimits limits) {
    this.ingest = ingest;
    this.permits = permits;
    this.limits = limits;
  }

  private static ParseLimits parseLimits(IngestConfig.Limits l) {
    return new ParseLimits(
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

  /** The limits files are read within; {@code maxFileBytes} bounds what a door takes in. */
  public ParseLimits limits() {
    return limits;
  }

  /**
   * What the caller said about a file.
   *
   * @param name the file's name (its extension may tell the format); documents are named after it
   * @param contentType the declared type, or null
   * @param id the id of the file's document when the file is one document; null to use the name
   * @param source the source its documents are filed under; null for the default
   * @param title the title of the file's document when the file is one document; null for its own
   */
  public record FileUpload(
      String name, String contentType, String id, String source, String title) {}

  /** A part of the file that was not ingested, and why. */
  public record FileError(String where, String id, String reason) {}

  /** What became of a file. */
  public record FileReceipt(
      String file, String format, List<AcceptedDocument> documents, List<FileError> errors) {}

  /**
   * Ingests a file held in memory (a door whose protocol hands over the bytes whole).
   *
   * @throws FileTooLargeException when it is over {@code ingest.limits.max-file-bytes}
   * @see #ingest(String, Path, FileUpload)
   */
  public FileReceipt ingest(String tenant, byte[] bytes, FileUpload upload) {
    if (bytes.length > limits.maxFileBytes()) {
      throw new FileTooLargeException(
          "the file is "
              + bytes.length
              + " bytes, over the limit of "
              + limits.maxFileBytes()
              + " (ingest.limits.max-file-bytes)");
    }
    Path stored = null;
    try {
      stored = Files.createTempFile("rag-upload-", ".bin");
      Files.write(stored, bytes);
      return ingest(tenant, stored, upload);
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the upload", e);
    } finally {
      if (stored != null) {
        try {
          Files.deleteIfExists(stored);
        } catch (IOException e) {
          // Left to the temporary folder's cleaning.
        }
      }
    }
  }

  /**
   * Parses a stored file and accepts its documents for {@code tenant}; blocks until every document
   * is durable or refused.
   *
   * @throws ParsePermits.BusyException when this instance is parsing as many files as allowed
   * @throws UnreadableFileException when the file yields nothing (its subclasses: over a size
   *     limit, over a limit on reading it); the message says why
   */
  public FileReceipt ingest(String tenant, Path stored, FileUpload upload) {
    String file = upload.name();
    try {
      if (Files.size(stored) == 0) {
        throw new UnreadableFileException("the file is empty");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the stored upload", e);
    }
    Accepting accepting = new Accepting(tenant, upload);
    try (ParsePermits.Permit parse = permits.forParse()) {
      DocumentParsers.parse(file, upload.contentType(), stored, limits, accepting);
    }
    return accepting.receipt();
  }

  /** The documents of one file, accepted as the parser hands them on, a window at a time. */
  private final class Accepting implements DocumentSink {
    private final String tenant;
    private final FileUpload upload;
    private final List<AcceptedDocument> accepted = new ArrayList<>();
    private final List<FileError> errors = new ArrayList<>();
    private final Deque<CompletableFuture<Object>> inFlight = new ArrayDeque<>();
    private String format = "";

    Accepting(String tenant, FileUpload upload) {
      this.tenant = tenant;
      this.upload = upload;
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
      String file = upload.name();
      String id = upload.id();
      String title = upload.title();
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
          new DocumentSubmission(
              docId, upload.source(), docTitle, d.text(), d.contentType(), metadata);
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
      return new FileReceipt(upload.name(), format, accepted, errors);
    }

    private void collect(CompletableFuture<Object> pending) {
      String file = upload.name();
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

  private static String baseName(String file) {
    String base = file.substring(file.lastIndexOf('/') + 1);
    int dot = base.lastIndexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }
}
