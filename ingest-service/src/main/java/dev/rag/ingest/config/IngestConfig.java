package dev.rag.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Configuration of ingest-service, under {@code ingest.*}. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

  /**
   * Tenant that owns every document accepted by this instance until callers are authenticated per
   * tenant.
   */
  @WithDefault("default")
  String tenant();

  /** Limits on one document and on one uploaded file. */
  Limits limits();

  /** What one tenant may store. */
  Quotas quotas();

  /** Replays of the documents topic for another model. */
  Replays replays();

  /**
   * How long the documents consumer waits for the broker to acknowledge a document's chunk events;
   * past it the document is tried again with backoff (never dead-lettered for that).
   */
  @WithDefault("60s")
  Duration publishTimeout();

  /** Replays ({@code POST /v1/admin/replays}, operator role). */
  interface Replays {
    /** How long a finished replay's progress can still be read. */
    @WithDefault("1h")
    Duration retention();
  }

  /** How documents are cut into chunks. */
  Chunking chunking();

  /** Limits on one document; a document over any of them is refused with the field named. */
  interface Limits {
    /** Largest body in UTF-8 bytes (8 MiB). */
    @WithDefault("8388608")
    int maxDocumentBytes();

    /** Largest uploaded file (POST /v1/files), in bytes: 64 MiB. */
    @WithDefault("67108864")
    int maxFileBytes();

    /** Longest document id in characters. */
    @WithDefault("512")
    int maxIdLength();

    /** Longest title in characters. */
    @WithDefault("1024")
    int maxTitleLength();

    /** Most metadata entries. */
    @WithDefault("64")
    int maxMetadataEntries();

    /** Longest metadata key. */
    @WithDefault("128")
    int maxMetadataKeyLength();

    /** Longest metadata value. */
    @WithDefault("4096")
    int maxMetadataValueLength();

    /**
     * Largest file of a format read whole (text, Markdown, HTML, paper listing), in bytes: 16 MiB.
     * PDF and JSON Lines files are read in pieces and may be as large as {@link #maxFileBytes()}.
     */
    @WithDefault("16777216")
    int maxTextFileBytes();

    /** Most documents one file may hold (JSON Lines records, papers of a listing). */
    @WithDefault("100000")
    int maxDocumentsPerFile();

    /**
     * Most chunks of one document: each costs an embedding, so this bounds what one document can
     * cost the pipeline (2,000 chunks of 384 tokens is a book of some 1,500 pages).
     */
    @WithDefault("2000")
    int maxChunksPerDocument();

    /** Most elements of an HTML page (each costs memory once parsed). */
    @WithDefault("200000")
    int maxHtmlElements();

    /** Most documents one page of {@code GET /v1/documents} lists. */
    @WithDefault("1000")
    int maxListPage();

    /**
     * Most statuses one page of {@code GET /v1/documents} examines: a filter that few documents
     * pass ends the page early (with where the next starts) instead of reading the tenant whole.
     */
    @WithDefault("20000")
    int maxListScanned();

    /** Limits on reading a PDF. */
    Pdf pdf();

    /** How many files are parsed at once. */
    Parses parses();
  }

  /** Limits on reading one PDF: its text is extracted within them, or the file is refused. */
  interface Pdf {
    /** Most pages. */
    @WithDefault("2000")
    int maxPages();

    /**
     * Largest decoded size of one stream (a page's content, a font, a form), in bytes: 32 MiB. A
     * few kilobytes of compressed data can decode to gigabytes.
     */
    @WithDefault("33554432")
    long maxStreamBytes();

    /** Largest decoded size of all the streams text extraction reads together: 512 MiB. */
    @WithDefault("536870912")
    long maxDecodedBytes();

    /** Longest time text extraction of one file may take. */
    @WithDefault("60s")
    Duration timeout();
  }

  /** Parsing of uploaded files at once; a file over either limit is refused with HTTP 429. */
  interface Parses {
    /** Files parsed at once by this instance. */
    @WithDefault("2")
    int maxConcurrent();

    /** Files being uploaded or parsed at once for one API key. */
    @WithDefault("1")
    int maxConcurrentPerKey();

    /**
     * Files being uploaded (stored on local disk before they are parsed) at once by this instance,
     * over all keys: bounds the temporary disk they take (this many times max-file-bytes).
     */
    @WithDefault("8")
    int maxConcurrentUploads();
  }

  /**
   * What one tenant may store; a document over a quota is refused (HTTP 403, gRPC
   * RESOURCE_EXHAUSTED, a dead letter from Kafka). Counted from the status of the tenant's
   * documents that are not deleted or failed, as this instance knows them: several instances agree
   * within moments, so a burst across them may go slightly over.
   */
  interface Quotas {
    /** Most documents per tenant. */
    @WithDefault("1000000")
    long maxDocuments();

    /** Most bytes of text (UTF-8) per tenant: 16 GiB. */
    @WithDefault("17179869184")
    long maxBytes();
  }

  /** Chunking budget. */
  interface Chunking {
    /** Token budget of one chunk's text. */
    @WithDefault("384")
    int maxTokens();

    /** Tokens repeated from the previous chunk when a chunk ends mid-text. */
    @WithDefault("48")
    int overlapTokens();

    /** Most chunks per chunk event; larger documents are sent in several parts. */
    @WithDefault("64")
    int maxChunksPerEvent();

    /**
     * Whose tokenizer counts the budget: a model id of the embedding models (their tokenizers
     * agree: all three use the same uncased WordPiece vocabulary; bge's file ships with this
     * service), or {@code approximate} for a word-based estimate.
     */
    @WithDefault("bge-small-en-v1.5-int8")
    String tokenizer();

    /**
     * Whether each chunk's embedding text carries the document title and section path
     * (context-aware chunk embeddings). Off only to measure what the context is worth.
     */
    @WithDefault("true")
    boolean context();

    /**
     * Most tokens of each neighbouring chunk's own text (the end of the one before, the start of
     * the one after) added around a chunk in its embedding text, not in its shown text; 0 adds
     * none. Measured on SciFact (docs/decisions.md): no gain on its tuning split, so off.
     */
    @WithDefault("0")
    int neighbourTokens();
  }
}
