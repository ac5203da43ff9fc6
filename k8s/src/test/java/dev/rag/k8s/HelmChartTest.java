package dev.rag.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HelmChartTest {

  private static List<JsonNode> defaults;
  private static List<JsonNode> production;

  @BeforeAll
  static void render() {
    defaults = new ArrayList<>(Chart.render());
    defaults.addAll(Chart.renderTestHooks());
    production = new ArrayList<>(Chart.render(Chart.PRODUCTION_GPU));
    production.addAll(Chart.renderTestHooks(Chart.PRODUCTION_GPU));
  }

  @Test
  void lintsStrictlyWithTheDefaultAndTheProductionValues() {
    for (LintResult result : List.of(Chart.lint(null), Chart.lint(Chart.PRODUCTION_GPU))) {
      assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
      assertThat(result.getMessages())
          .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }
  }

  @Test
  void rendersTheWholeSystem() {
    assertThat(Chart.ofKind(defaults, "Deployment"))
        .extracting(d -> d.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("rag-ingest", "rag-embed", "rag-retrieve", "rag-generate");
    assertThat(Chart.ofKind(defaults, "StatefulSet"))
        .extracting(d -> d.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("rag-kafka", "rag-qdrant");
    assertThat(
            Chart.named(defaults, "StatefulSet", "rag-qdrant")
                .at("/spec/template/spec/containers/0/image")
                .asText())
        .isEqualTo("qdrant/qdrant:v1.16.3-unprivileged");
    assertThat(Chart.ofKind(defaults, "Pod"))
        .singleElement()
        .satisfies(
            p -> assertThat(p.at("/spec/containers/0/command/2").asText()).contains("cited"));
    assertThat(Chart.notes()).contains("port-forward svc/rag-generate", "helm test rag");
    assertThat(Chart.notes(Chart.PRODUCTION_GPU))
        .contains("https://rag.example.com/", "nvidia.com/gpu");
    // Production: existing Kafka through Strimzi topics, KEDA on lag, an Ingress, no in-cluster
    // Kafka.
    assertThat(Chart.ofKind(production, "StatefulSet"))
        .extracting(d -> d.path("metadata").path("name").asText())
        .containsExactly("rag-qdrant");
    assertThat(Chart.ofKind(production, "KafkaTopic"))
        .extracting(
            t ->
                t.at("/spec/topicName").asText()
                    + ":"
                    + t.at("/spec/config/cleanup.policy").asText())
        .contains("rag.documents.v1:compact", "rag.status.v1:compact", "rag.chunks.v1:delete");
    assertThat(Chart.ofKind(production, "ScaledObject"))
        .extracting(s -> s.at("/spec/triggers/0/metadata/consumerGroup").asText())
        .containsExactlyInAnyOrder("embed-service-bge-small-en-v1.5-int8", "retrieve-service");
    assertThat(
            Chart.named(production, "ConfigMap", "rag-config")
                .at("/data/KAFKA_BOOTSTRAP_SERVERS")
                .asText())
        .isEqualTo("rag-kafka-kafka-bootstrap.kafka.svc:9093");
    assertThat(Chart.ofKind(production, "Ingress")).hasSize(1);
  }

  @Test
  void everyManifestMatchesTheKubernetesSchema() {
    for (List<JsonNode> docs : List.of(defaults, production)) {
      assertThat(ManifestValidators.problems(docs)).isEmpty();
    }
  }

  @Test
  void theValidatorsCatchMisspelledAndMissingFields() {
    JsonNode deployment = Chart.named(defaults, "Deployment", "rag-embed").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            deployment.at("/spec/template/spec/containers/0"))
        .put("imagePullPolice", "Always");
    assertThat(ManifestValidators.unknownFields(deployment))
        .singleElement()
        .asString()
        .contains("imagePullPolice");

    JsonNode service = Chart.named(defaults, "Service", "rag-embed").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) service.at("/spec/ports/0")).remove("port");
    JsonNode wrongType = Chart.named(defaults, "Deployment", "rag-ingest").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) wrongType.path("spec"))
        .put("replicas", "one");
    assertThat(ManifestValidators.schemaErrors(List.of(service, wrongType)))
        .hasSize(2)
        .anySatisfy(e -> assertThat(e).contains("Service/rag-embed").contains("port"))
        .anySatisfy(e -> assertThat(e).contains("Deployment/rag-ingest").contains("replicas"));
  }

  @Test
  void requestsAGpuOnlyWhenGpuEmbeddingIsOn() {
    JsonNode cpu =
        Chart.named(defaults, "Deployment", "rag-embed").at("/spec/template/spec/containers/0");
    assertThat(cpu.at("/resources/limits").has("nvidia.com/gpu")).isFalse();
    assertThat(cpu.path("image").asText()).doesNotEndWith("-gpu");
    for (JsonNode d : Chart.ofKind(defaults, "Deployment")) {
      assertThat(d.toString()).doesNotContain("nvidia.com/gpu");
    }

    JsonNode gpuPod = Chart.named(production, "Deployment", "rag-embed").at("/spec/template/spec");
    JsonNode gpu = gpuPod.at("/containers/0");
    assertThat(gpu.at("/resources/limits/nvidia.com~1gpu").asInt()).isEqualTo(1);
    assertThat(gpu.path("image").asText())
        .isEqualTo("registry.example.com/rag/embed-service:0.1.0-gpu");
    assertThat(gpuPod.at("/tolerations/0/key").asText()).isEqualTo("nvidia.com/gpu");
    assertThat(gpuPod.at("/nodeSelector").toString()).contains("nvidia.com/gpu.present");
    assertThat(Chart.named(production, "ConfigMap", "rag-config").at("/data/EMBED_DEVICE").asText())
        .isEqualTo("cuda");
    for (JsonNode d : Chart.ofKind(production, "Deployment")) {
      if (!d.at("/metadata/name").asText().equals("rag-embed")) {
        assertThat(d.toString()).doesNotContain("nvidia.com/gpu");
      }
    }
  }

  @Test
  void letsThePagesOriginCallIngestServiceFromABrowserAndNoOther() {
    assertThat(
            Chart.named(defaults, "ConfigMap", "rag-config")
                .at("/data")
                .has("QUARKUS_HTTP_CORS_ORIGINS"))
        .isFalse();
    JsonNode withIngress =
        Chart.named(
            Chart.render(
                List.of(),
                Map.of(
                    "ingress.enabled", true,
                    "ingress.host", "rag.lab.example",
                    "ingest.corsOrigins[0]", "http://chat.lab.example:8080")),
            "ConfigMap",
            "rag-config");
    assertThat(withIngress.at("/data/QUARKUS_HTTP_CORS_ORIGINS").asText())
        .isEqualTo("https://rag.lab.example,http://rag.lab.example,http://chat.lab.example:8080");
  }

  @Test
  void tracesOnlyWhenToldAndThenToTheGivenCollector() {
    assertThat(
            Chart.named(defaults, "ConfigMap", "rag-config")
                .at("/data/QUARKUS_OTEL_SDK_DISABLED")
                .asText())
        .isEqualTo("true");
    JsonNode traced =
        Chart.named(
                Chart.render(
                    List.of(),
                    Map.of(
                        "tracing.enabled",
                        true,
                        "tracing.endpoint",
                        "http://otel-collector.observability:4317")),
                "ConfigMap",
                "rag-config")
            .path("data");
    assertThat(traced.path("QUARKUS_OTEL_SDK_DISABLED").asText()).isEqualTo("false");
    assertThat(traced.path("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").asText())
        .isEqualTo("http://otel-collector.observability:4317");
    assertThat(traced.path("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").asText())
        .isEqualTo("grpc");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("tracing.enabled", true)))
        .hasMessageContaining("tracing.endpoint is required");
  }

  @Test
  void keepsAFolderInSyncWithOneSourceWhenAskedReadingItReadOnly() {
    assertThat(Chart.ofKind(defaults, "StatefulSet"))
        .extracting(d -> d.path("metadata").path("name").asText())
        .doesNotContain("rag-sync");
    List<JsonNode> synced =
        Chart.render(
            List.of(),
            Map.of(
                "sync.enabled", true,
                "sync.source", "lab-papers",
                "sync.volume.persistentVolumeClaim.claimName", "papers"));
    assertThat(ManifestValidators.problems(synced)).isEmpty();
    JsonNode sync = Chart.named(synced, "StatefulSet", "rag-sync");
    assertThat(sync.at("/spec/replicas").asInt()).isEqualTo(1);
    JsonNode pod = sync.at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("ghcr.io/rag-platform/rag-cli:0.1.0");
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    assertThat(args)
        .containsExactly(
            "sync",
            "/data",
            "--source",
            "lab-papers",
            "--watch",
            "--no-wait",
            "--interval",
            "60",
            "--state",
            "/var/lib/rag/sync/lab-papers.json");
    assertThat(env(container, "RAG_INGEST_URL").path("value").asText())
        .isEqualTo("http://rag-ingest:8081");
    assertThat(env(container, "RAG_HOME").path("value").asText()).isEqualTo("/var/lib/rag");
    JsonNode key = env(container, "RAG_API_KEY").at("/valueFrom/secretKeyRef");
    assertThat(key.path("name").asText()).isEqualTo("rag-service-keys");
    assertThat(key.path("key").asText()).isEqualTo("sync-key");
    assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
    List<String> mounts = new ArrayList<>();
    container
        .path("volumeMounts")
        .forEach(
            m ->
                mounts.add(
                    m.path("name").asText()
                        + ":"
                        + m.path("mountPath").asText()
                        + (m.path("readOnly").asBoolean() ? ":ro" : "")));
    assertThat(mounts)
        .containsExactlyInAnyOrder("folder:/data:ro", "state:/var/lib/rag", "tmp:/tmp");
    assertThat(pod.at("/volumes/0/persistentVolumeClaim/claimName").asText()).isEqualTo("papers");
    assertThat(sync.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("state");
    assertThat(sync.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText())
        .isEqualTo("1Gi");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("sync.enabled", true)))
        .hasMessageContaining("sync.volume");
  }

  @Test
  void embedsThroughARemoteServerWhenToldAndRefusesAHalfSetting() {
    List<JsonNode> remote =
        Chart.render(
            List.of(),
            Map.of(
                "embed.backend", "remote",
                "embed.model", "tei-bge-base-en-v1.5",
                "embed.remote.url", "http://tei.gpu.svc:8080/v1",
                "embed.remote.model", "BAAI/bge-base-en-v1.5",
                "embed.embeddingsApi.public", true));
    JsonNode config = Chart.named(remote, "ConfigMap", "rag-config").path("data");
    assertThat(config.path("EMBED_BACKEND").asText()).isEqualTo("remote");
    assertThat(config.path("EMBED_MODEL").asText()).isEqualTo("tei-bge-base-en-v1.5");
    assertThat(config.path("EMBED_REMOTE_URL").asText()).isEqualTo("http://tei.gpu.svc:8080/v1");
    assertThat(config.path("EMBED_REMOTE_MODEL").asText()).isEqualTo("BAAI/bge-base-en-v1.5");
    assertThat(config.path("EMBED_REMOTE_ATTEMPTS").asText()).isEqualTo("3");
    JsonNode embed =
        Chart.named(remote, "Deployment", "rag-embed").at("/spec/template/spec/containers/0");
    assertThat(embed.path("env").toString()).contains("EMBED_REMOTE_API_KEY", "embed-api-key");
    // Any pod may call /v1/embeddings now, not only retrieve-service.
    JsonNode policy = Chart.named(remote, "NetworkPolicy", "rag-embed");
    assertThat(policy.at("/spec/ingress/0").has("from")).isFalse();
    assertThat(ManifestValidators.problems(remote)).isEmpty();

    JsonNode local = Chart.named(defaults, "ConfigMap", "rag-config").path("data");
    assertThat(local.path("EMBED_BACKEND").asText()).isEqualTo("local");
    assertThat(local.has("EMBED_REMOTE_URL")).isFalse();
    assertThat(
            Chart.named(defaults, "NetworkPolicy", "rag-embed").at("/spec/ingress/0").has("from"))
        .isTrue();

    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("embed.backend", "remote")))
        .hasMessageContaining("embed.remote.url");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("embed.model", "tei-bge-base")))
        .hasMessageContaining("needs embed.backend=remote");
    assertThatThrownBy(
            () ->
                Chart.render(
                    List.of(),
                    Map.of(
                        "embed.backend", "remote",
                        "embed.remote.url", "http://tei:8080/v1",
                        "embed.gpu.enabled", true)))
        .hasMessageContaining("embed.gpu.enabled=false");
  }

  @Test
  void noContainerIsPrivilegedAndEveryServiceIsProbed() {
    for (List<JsonNode> docs : List.of(defaults, production)) {
      for (var c : Chart.containers(docs, true)) {
        JsonNode sc = c.getValue().path("securityContext");
        assertThat(sc.path("privileged").asBoolean(false)).as(c.getKey()).isFalse();
        assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true)).as(c.getKey()).isFalse();
        assertThat(sc.path("runAsNonRoot").asBoolean(false)).as(c.getKey()).isTrue();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false)).as(c.getKey()).isTrue();
        assertThat(sc.at("/capabilities/drop").toString()).as(c.getKey()).contains("ALL");
        assertThat(c.getValue().path("resources").path("limits").has("memory"))
            .as(c.getKey())
            .isTrue();
      }
      List<JsonNode> workloads = new ArrayList<>(Chart.ofKind(docs, "Deployment"));
      workloads.addAll(Chart.ofKind(docs, "StatefulSet"));
      for (var c : Chart.containers(workloads, false)) {
        assertThat(c.getValue().has("readinessProbe")).as(c.getKey()).isTrue();
        assertThat(c.getValue().has("livenessProbe")).as(c.getKey()).isTrue();
      }
      for (JsonNode d : Chart.ofKind(docs, "Deployment")) {
        JsonNode c = d.at("/spec/template/spec/containers/0");
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(c.at("/startupProbe/grpc/port").asInt())
            .isEqualTo(c.at("/ports/0/containerPort").asInt());
      }
    }
  }

  @Test
  void allowsOnlyTheDesignedFlows() {
    List<JsonNode> policies = Chart.ofKind(defaults, "NetworkPolicy");
    assertThat(policies)
        .extracting(p -> p.at("/metadata/name").asText())
        .containsExactlyInAnyOrder(
            "rag-default-deny",
            "rag-clients",
            "rag-retrieve",
            "rag-embed",
            "rag-kafka",
            "rag-qdrant");
    // embed-service lets in its three callers: retrieve (queries), ingest (which model is live,
    // before a replay: refused here before, which broke replays under the policies), generate (its
    // answers' sentences).
    List<String> embedPeers = new ArrayList<>();
    Chart.named(defaults, "NetworkPolicy", "rag-embed")
        .at("/spec/ingress/0/from")
        .forEach(
            p -> embedPeers.add(p.at("/podSelector/matchLabels/app.kubernetes.io~1name").asText()));
    assertThat(embedPeers).containsExactlyInAnyOrder("retrieve", "ingest", "generate");
    assertThat(
            Chart.named(defaults, "NetworkPolicy", "rag-qdrant")
                .at("/spec/ingress/0/from")
                .toString())
        .contains("\"retrieve\"")
        .doesNotContain("generate", "ingest", "embed");
    assertThat(
            Chart.named(defaults, "NetworkPolicy", "rag-retrieve")
                .at("/spec/ingress/0/from")
                .toString())
        .contains("\"generate\"")
        .doesNotContain("ingest");
    assertThat(Chart.named(defaults, "NetworkPolicy", "rag-kafka").toString())
        .doesNotContain("keda-operator");
    assertThat(
            Chart.named(
                    Chart.render(List.of(), Map.of("keda.enabled", true)),
                    "NetworkPolicy",
                    "rag-kafka")
                .toString())
        .contains("keda-operator");
    assertThat(Chart.render(List.of(), Map.of("networkPolicy.enabled", false)))
        .noneMatch(d -> d.path("kind").asText().equals("NetworkPolicy"));
  }

  @Test
  void theValuesSchemaRejectsWrongTypesAndUnknownKeys() {
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("embed.replicas", "two")))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("embed.modle", "x")))
        .hasMessageContaining("modle");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("embed.model", "gpt-embed")))
        .hasMessageContaining("model");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("kafka.enabled", false)))
        .hasMessageContaining("kafka.external.bootstrapServers is required");
  }

  /** The SHA-256 digest of a key, as a key line carries it. */
  private static String digest(String key) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** What a Deployment's auth volume projects, as "secret/key->path" entries. */
  private static List<String> authFiles(JsonNode deployment) {
    List<String> files = new ArrayList<>();
    for (JsonNode volume : deployment.at("/spec/template/spec/volumes")) {
      if (!volume.path("name").asText().equals("auth")) {
        continue;
      }
      for (JsonNode source : volume.at("/projected/sources")) {
        for (JsonNode item : source.at("/secret/items")) {
          files.add(
              source.at("/secret/name").asText()
                  + "/"
                  + item.path("key").asText()
                  + "->"
                  + item.path("path").asText());
        }
      }
      for (JsonNode item : volume.at("/secret/items")) {
        files.add(
            volume.at("/secret/secretName").asText()
                + "/"
                + item.path("key").asText()
                + "->"
                + item.path("path").asText());
      }
    }
    return files;
  }

  @Test
  void eachServiceHoldsOnlyItsOwnKeyAndAcceptsOnlyItsCallers() throws Exception {
    JsonNode secret = Chart.named(defaults, "Secret", "rag-service-keys");
    assertThat(secret.at("/metadata/annotations/helm.sh~1resource-policy").asText())
        .isEqualTo("keep");
    String generateKey = secret.at("/stringData/generate-service-key").asText();
    String retrieveKey = secret.at("/stringData/retrieve-service-key").asText();
    String ingestKey = secret.at("/stringData/ingest-service-key").asText();
    String testKey = secret.at("/stringData/test-key").asText();
    for (String key : List.of(generateKey, retrieveKey, ingestKey, testKey)) {
      assertThat(key).startsWith("rag_").hasSize(47);
    }
    assertThat(Set.of(generateKey, retrieveKey, ingestKey, testKey)).hasSize(4);
    // Who accepts whom: retrieve takes generate's key, embed takes retrieve's and ingest's (which
    // model is live, before a replay), the doors the test's, ingest generate's too.
    assertThat(secret.at("/stringData/retrieve-keys").asText().strip())
        .isEqualTo("generate-service " + digest(generateKey) + " default service,query");
    assertThat(secret.at("/stringData/embed-keys").asText().strip())
        .isEqualTo(
            "retrieve-service "
                + digest(retrieveKey)
                + " default service,query\ningest-service "
                + digest(ingestKey)
                + " default service,query\ngenerate-service "
                + digest(generateKey)
                + " default service,query");
    assertThat(secret.at("/stringData/edge-keys").asText().strip())
        .isEqualTo("helm-test " + digest(testKey) + " default ingest,query");
    // ingest-service also takes generate-service's key (document statuses for MCP) and the folder
    // sync's.
    assertThat(secret.at("/stringData/ingest-keys").asText().strip())
        .isEqualTo(
            "helm-test "
                + digest(testKey)
                + " default ingest,query\ngenerate-service "
                + digest(generateKey)
                + " default service,query\nfolder-sync "
                + digest(secret.at("/stringData/sync-key").asText())
                + " default ingest");

    Map<String, String> ownKey =
        Map.of(
            "generate", "generate-service-key",
            "retrieve", "retrieve-service-key",
            "ingest", "ingest-service-key");
    Map<String, String> accepts =
        Map.of(
            "generate", "edge-keys",
            "ingest", "ingest-keys",
            "retrieve", "retrieve-keys",
            "embed", "embed-keys");
    for (String service : List.of("ingest", "embed", "retrieve", "generate")) {
      JsonNode deployment = Chart.named(defaults, "Deployment", "rag-" + service);
      JsonNode container = deployment.at("/spec/template/spec/containers/0");
      assertThat(env(container, "RAG_AUTH_ENABLED").path("value").asText()).isEqualTo("true");
      assertThat(env(container, "RAG_AUTH_KEYS_FILE").path("value").asText())
          .isEqualTo("/etc/rag/auth/service-keys,/etc/rag/auth/people-keys");
      JsonNode key = env(container, "RAG_AUTH_SERVICE_KEY");
      if (ownKey.containsKey(service)) {
        assertThat(key).as("%s's own key", service).isNotNull();
        assertThat(key.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("rag-service-keys");
        assertThat(key.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo(ownKey.get(service));
      } else {
        assertThat(key).as("%s calls no service and holds no key", service).isNull();
      }
      assertThat(authFiles(deployment))
          .as("files in %s's /etc/rag/auth", service)
          .containsExactlyInAnyOrder(
              "rag-service-keys/" + accepts.get(service) + "->service-keys",
              "rag-auth/keys->people-keys");
      assertThat(container.path("volumeMounts").findValuesAsText("mountPath"))
          .contains("/etc/rag/auth");
    }
    JsonNode test = Chart.named(defaults, "Pod", "rag-test-chat");
    JsonNode testEnv = env(test.at("/spec/containers/0"), "KEY");
    assertThat(testEnv.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("rag-service-keys");
    assertThat(testEnv.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("test-key");

    // A person's key line is checked by the values schema.
    String alice = "alice " + "ab".repeat(32) + " lab-a query,ingest";
    assertThat(
            Chart.named(
                    Chart.render(List.of(), Map.of("auth.keys[0]", alice)), "Secret", "rag-auth")
                .at("/stringData/keys")
                .asText())
        .contains(alice);
    assertThatThrownBy(
            () -> Chart.render(List.of(), Map.of("auth.keys[0]", "alice nothex t query")))
        .hasMessageContaining("auth");
    assertThatThrownBy(
            () ->
                Chart.render(List.of(), Map.of("auth.keys[0]", alice.replace("query", "service"))))
        .hasMessageContaining("auth");

    // A Secret of one's own: its keys everywhere, each service's own key only in that service.
    List<JsonNode> own = Chart.render(List.of(), Map.of("auth.existingSecret", "my-keys"));
    assertThat(Chart.ofKind(own, "Secret"))
        .extracting(d -> d.path("metadata").path("name").asText())
        .doesNotContain("rag-auth", "rag-service-keys");
    for (String service : List.of("ingest", "embed", "retrieve", "generate")) {
      JsonNode deployment = Chart.named(own, "Deployment", "rag-" + service);
      JsonNode container = deployment.at("/spec/template/spec/containers/0");
      assertThat(authFiles(deployment)).containsExactly("my-keys/keys->keys");
      JsonNode key = env(container, "RAG_AUTH_SERVICE_KEY");
      if (ownKey.containsKey(service)) {
        assertThat(key.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("my-keys");
        assertThat(key.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo(ownKey.get(service));
      } else {
        assertThat(key).isNull();
      }
    }

    // Off: no Secret, services told so.
    List<JsonNode> open = Chart.render(List.of(), Map.of("auth.enabled", false));
    assertThat(Chart.ofKind(open, "Secret"))
        .extracting(d -> d.path("metadata").path("name").asText())
        .doesNotContain("rag-auth", "rag-service-keys");
  }

  @Test
  void passesTheRequestLimitsPerKeyToEveryService() {
    JsonNode config = Chart.named(defaults, "ConfigMap", "rag-config");
    assertThat(config.at("/data/RAG_AUTH_RATE_LIMIT_REQUESTS_PER_MINUTE").asText())
        .isEqualTo("1200");
    assertThat(config.at("/data/RAG_AUTH_CONCURRENCY_MAX_IN_FLIGHT").asText()).isEqualTo("16");
    JsonNode changed =
        Chart.named(
            Chart.render(List.of(), Map.of("auth.concurrency.maxInFlight", 4)),
            "ConfigMap",
            "rag-config");
    assertThat(changed.at("/data/RAG_AUTH_CONCURRENCY_MAX_IN_FLIGHT").asText()).isEqualTo("4");
    assertThatThrownBy(() -> Chart.render(List.of(), Map.of("auth.concurrency.maxInFlight", 0)))
        .hasMessageContaining("maxInFlight");
  }
}
