package dev.rag.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of ingest-service, under {@code ingest.*}. */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

  /**
   * Tenant that owns every document accepted by this instance until callers are authenticated per
   * tenant.
   */
  @WithDefault("default")
  String tenant();

  /** Limits on one document. */
  Limits limits();

  /** How documents are cut into chunks. */
  Chunking chunking();

  /** Topics this service produces to. */
  Topics topics();

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
  }

  /** Topic provisioning. */
  interface Topics {
    /** Create missing topics at startup. */
    @WithDefault("true")
    boolean create();

    /** Partitions of topics this service creates. */
    @WithDefault("6")
    int partitions();
  }
}
