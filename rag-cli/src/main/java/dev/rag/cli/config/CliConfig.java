package dev.rag.cli.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Every setting of the CLI, under {@code rag.*}. Each may also be given as an environment variable
 * by MicroProfile Config's rules ({@code rag.api-key} as {@code RAG_API_KEY}, {@code
 * rag.kafka.bootstrap} as {@code RAG_KAFKA_BOOTSTRAP}); {@code ./rag} passes those of the system it
 * started. Kafka client settings other than the brokers ({@code kafka.security.protocol}, {@code
 * kafka.sasl.*}, {@code kafka.ssl.*}, or {@code KAFKA_SECURITY_PROTOCOL} and the like) are passed
 * to every Kafka client as they are (see {@link KafkaClientsProducer}).
 */
@ConfigMapping(prefix = "rag")
public interface CliConfig {

  /** The API key sent on every HTTP request and gRPC call; none is sent when unset or blank. */
  Optional<String> apiKey();

  /** ingest-service's HTTP base URL (ingest, eval, reindex catch-up). */
  @WithDefault("http://127.0.0.1:8081")
  String ingestUrl();

  /** generate-service's HTTP base URL (ask, bench chat). */
  @WithDefault("http://127.0.0.1:8080")
  String chatUrl();

  /** retrieve-service's gRPC host (the {@code retrieve} gRPC client). */
  @WithDefault("127.0.0.1")
  String retrieveHost();

  /** retrieve-service's gRPC port. */
  @WithDefault("8083")
  int retrievePort();

  /** embed-service's gRPC host (the {@code embed} gRPC client). */
  @WithDefault("127.0.0.1")
  String embedHost();

  /** embed-service's gRPC port. */
  @WithDefault("8082")
  int embedPort();

  /** Where {@code ./rag} keeps its data; eval reports go to its {@code eval/} folder. */
  @WithDefault(".rag")
  String home();

  /** The source {@code ingest} files documents under when {@code --source} is not given. */
  @WithDefault("docs")
  String source();

  /** The Kafka cluster. */
  Kafka kafka();

  /** Qdrant's REST API, for the scale benchmark's exact searches and counts. */
  Qdrant qdrant();

  /** Qdrant, as the services use it. */
  interface Qdrant {

    /** Its REST address ({@code RAG_QDRANT_URL}). */
    @WithDefault("http://127.0.0.1:6333")
    String url();

    /** Its API key, when it requires one ({@code RAG_QDRANT_API_KEY}). */
    Optional<String> apiKey();
  }

  /** The Kafka cluster the services use. */
  interface Kafka {

    /** Its brokers ({@code bootstrap.servers} of every client the CLI builds). */
    @WithDefault("127.0.0.1:9092")
    String bootstrap();
  }
}
