package dev.rag.e2e;

import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The four packaged services wired to one broker, one Qdrant and one set of API keys. */
final class RagSystem {

  private RagSystem() {}

  /**
   * The configuration every service gets.
   *
   * @param keyLines API key entries ({@code <id> <sha256> <tenant> <roles>})
   * @param serviceKey the key the services present to each other
   */
  static Map<String, String> config(
      KafkaBroker kafka,
      QdrantServer qdrant,
      String collectionPrefix,
      int embedPort,
      int retrievePort,
      List<String> keyLines,
      String serviceKey) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("rag.auth.keys", String.join(";", keyLines));
    config.put("rag.auth.service-key", serviceKey);
    config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    config.put("rag.topics.partitions", "3");
    config.put("retrieve.qdrant.host", qdrant.host());
    config.put("retrieve.qdrant.port", Integer.toString(qdrant.grpcPort()));
    config.put("retrieve.qdrant.collection", collectionPrefix);
    config.put("quarkus.grpc.clients.embed.port", Integer.toString(embedPort));
    config.put("quarkus.grpc.clients.retrieve.port", Integer.toString(retrievePort));
    return config;
  }

  /**
   * Starts embed, retrieve, ingest and generate (on the ports {@code config} names for the first
   * two) and waits until each is ready.
   *
   * @return the processes by short name: embed, retrieve, ingest, generate
   */
  static Map<String, ServiceProcess> start(
      Path root, Map<String, String> config, int embedPort, int retrievePort) {
    int ingestPort = FreePorts.find();
    int generatePort = FreePorts.find();
    // The chat page, as ./rag up serves it: it calls ingest-service at its own origin.
    Map<String, String> all = new LinkedHashMap<>(config);
    all.putIfAbsent("generate.page.ingest-url", "http://127.0.0.1:" + ingestPort);
    all.putIfAbsent("quarkus.http.cors.origins", "http://127.0.0.1:" + generatePort);
    // generate-service asks ingest-service for document statuses (MCP's get_document_status).
    all.putIfAbsent("quarkus.grpc.clients.ingest.port", Integer.toString(ingestPort));
    Map<String, ServiceProcess> services = new LinkedHashMap<>();
    services.put("embed", ServiceProcess.start(root, "embed-service", embedPort, all));
    services.put("retrieve", ServiceProcess.start(root, "retrieve-service", retrievePort, all));
    services.put("ingest", ServiceProcess.start(root, "ingest-service", ingestPort, all));
    services.put("generate", ServiceProcess.start(root, "generate-service", generatePort, all));
    services.values().forEach(s -> s.awaitReady(Duration.ofSeconds(120)));
    return services;
  }
}
