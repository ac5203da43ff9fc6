package dev.rag.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rag.common.KafkaAccess;
import dev.rag.common.KafkaAccess.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart on a secured Kafka cluster (SASL/SCRAM over TLS through Strimzi, as the production
 * values have it) and a secured external Qdrant (TLS from a private authority, an API key).
 */
class SecuredChartTest {

  private static List<JsonNode> production;
  private static List<JsonNode> externalQdrant;

  @BeforeAll
  static void render() {
    production = Chart.render(Chart.PRODUCTION_GPU);
    externalQdrant =
        Chart.render(
            List.of(Chart.PRODUCTION_GPU),
            Map.of(
                "qdrant.enabled", false,
                "qdrant.external.host", "qdrant.vectors.svc",
                "qdrant.external.tls", true,
                "qdrant.external.caSecret", "qdrant-ca",
                "qdrant.external.apiKey", "a-key"));
  }

  @Test
  void eachKafkaUserHoldsExactlyItsServicesAcls() {
    List<JsonNode> users = Chart.ofKind(production, "KafkaUser");
    assertThat(users)
        .extracting(u -> u.at("/metadata/name").asText())
        .containsExactlyInAnyOrder("rag-ingest", "rag-embed", "rag-retrieve");
    for (Service service : Service.values()) {
      JsonNode user = Chart.named(production, "KafkaUser", "rag-" + service.id());
      assertThat(user.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("rag-kafka");
      assertThat(user.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
      assertThat(user.at("/spec/authorization/type").asText()).isEqualTo("simple");
      Set<String> rendered = new TreeSet<>();
      for (JsonNode acl : user.at("/spec/authorization/acls")) {
        for (JsonNode op : acl.path("operations")) {
          rendered.add(
              acl.at("/resource/type").asText()
                  + " "
                  + acl.at("/resource/name").asText()
                  + " "
                  + acl.at("/resource/patternType").asText()
                  + " "
                  + op.asText().toLowerCase(Locale.ROOT));
        }
      }
      Set<String> expected = new TreeSet<>();
      for (KafkaAccess.Grant g : KafkaAccess.grants(service)) {
        expected.add(
            g.type().name().toLowerCase(Locale.ROOT)
                + " "
                + g.name()
                + " "
                + (g.pattern() == PatternType.PREFIXED ? "prefix" : "literal")
                + " "
                + g.operation().name().toLowerCase(Locale.ROOT));
      }
      assertThat(rendered).as(service.id()).isEqualTo(expected);
    }
  }

  @Test
  void eachServiceLogsInAsItsOwnUserAndTrustsTheClustersAuthority() {
    for (String service : List.of("ingest", "embed", "retrieve")) {
      JsonNode pod =
          Chart.named(production, "Deployment", "rag-" + service).at("/spec/template/spec");
      Map<String, JsonNode> env = env(pod.at("/containers/0"));
      assertThat(env.get("KAFKA_SECURITY_PROTOCOL").path("value").asText()).isEqualTo("SASL_SSL");
      assertThat(env.get("KAFKA_SASL_MECHANISM").path("value").asText()).isEqualTo("SCRAM-SHA-512");
      assertThat(env.get("KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef/name").asText())
          .isEqualTo("rag-" + service);
      assertThat(env.get("KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef/key").asText())
          .isEqualTo("sasl.jaas.config");
      assertThat(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText())
          .isEqualTo("/etc/rag/kafka-ca/ca.crt");
      assertThat(volume(pod, "kafka-ca").at("/secret/secretName").asText())
          .isEqualTo("rag-kafka-cluster-ca-cert");
    }
    JsonNode generate =
        Chart.named(production, "Deployment", "rag-generate").at("/spec/template/spec");
    assertThat(env(generate.at("/containers/0"))).doesNotContainKey("KAFKA_SASL_JAAS_CONFIG");
    assertThat(generate.toString()).doesNotContain("kafka-ca");
    assertThat(
            Chart.named(production, "ConfigMap", "rag-config")
                .at("/data/KAFKA_BOOTSTRAP_SERVERS")
                .asText())
        .endsWith(":9093");
    assertThat(ManifestValidators.problems(production)).isEmpty();
  }

  @Test
  void retrieveTrustsAPrivateQdrantAuthority() {
    JsonNode pod =
        Chart.named(externalQdrant, "Deployment", "rag-retrieve").at("/spec/template/spec");
    Map<String, JsonNode> env = env(pod.at("/containers/0"));
    assertThat(env.get("RETRIEVE_QDRANT_CA_CERTIFICATE").path("value").asText())
        .isEqualTo("/etc/rag/qdrant-ca/ca.crt");
    assertThat(volume(pod, "qdrant-ca").at("/secret/secretName").asText()).isEqualTo("qdrant-ca");
    assertThat(
            Chart.named(externalQdrant, "ConfigMap", "rag-config")
                .at("/data/RETRIEVE_QDRANT_TLS")
                .asText())
        .isEqualTo("true");
    assertThat(ManifestValidators.problems(externalQdrant)).isEmpty();
  }

  @Test
  void refusesSecurityForTheInClusterBroker() {
    assertThatThrownBy(
            () -> Chart.render(List.of(), Map.of("kafka.external.security.enabled", true)))
        .hasMessageContaining("kafka.external.security is for an existing cluster");
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      env.put(e.path("name").asText(), e);
    }
    return env;
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.path("volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name + " in " + pod.path("volumes"));
  }
}
