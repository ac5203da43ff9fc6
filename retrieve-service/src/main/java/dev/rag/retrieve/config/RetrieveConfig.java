package dev.rag.retrieve.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Configuration of retrieve-service, under {@code retrieve.*}. */
@ConfigMapping(prefix = "retrieve")
public interface RetrieveConfig {

  /** Passages returned when a request does not say. */
  @WithDefault("8")
  int defaultTopK();

  /** Request limits. */
  Limits limits();

  /** The Qdrant server. */
  Qdrant qdrant();

  /** Topic provisioning. */
  Topics topics();

  /** Request limits. */
  interface Limits {
    /** Longest query in characters. */
    @WithDefault("2048")
    int maxQueryChars();

    /** Largest top_k. */
    @WithDefault("100")
    int maxTopK();
  }

  /** The Qdrant server, reached over gRPC. */
  interface Qdrant {
    /** Host name. */
    @WithDefault("localhost")
    String host();

    /** gRPC port. */
    @WithDefault("6334")
    int port();

    /** Whether to use TLS. */
    @WithDefault("false")
    boolean tls();

    /** API key, when the server requires one. */
    Optional<String> apiKey();

    /** Collection holding every tenant's passages (each point carries its tenant). */
    @WithDefault("rag_passages")
    String collection();

    /** Deadline of each call to Qdrant. */
    @WithDefault("10s")
    Duration timeout();
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
