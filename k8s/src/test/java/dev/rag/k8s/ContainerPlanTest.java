package dev.rag.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./rag up --containers} starts each service with comes from the rendered chart: its
 * security context, memory limit, emptyDirs and environment, and the secrets it needs named.
 */
class ContainerPlanTest {

  @Test
  void eachDeploymentBecomesTheDockerRunArgumentsOfItsHardenedContainer() {
    List<ContainerPlan.Container> containers = ContainerPlan.containers(Chart.render());
    assertThat(containers)
        .extracting(ContainerPlan.Container::service)
        .containsExactly("ingest", "embed", "retrieve", "generate");
    for (ContainerPlan.Container c : containers) {
      String args = String.join(" ", c.runArguments());
      assertThat(args)
          .as(c.service())
          .contains(
              "--user 185:", "--read-only", "--cap-drop ALL", "--security-opt no-new-privileges")
          .contains("--tmpfs /tmp:rw,exec,nosuid,nodev,mode=1777");
      assertThat(c.image()).endsWith(c.service() + "-service:" + imageTag());
      assertThat(c.env()).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "JAVA_TOOL_OPTIONS");
      assertThat(c.secretVolumes()).contains("/etc/rag/auth");
    }
    ContainerPlan.Container embed = containers.get(1);
    int memory = embed.runArguments().indexOf("--memory");
    assertThat(Long.parseLong(embed.runArguments().get(memory + 1)) % ContainerPlan.bytes("1Mi"))
        .isZero();
    assertThat(embed.env()).containsEntry("EMBED_DEVICE", "cpu");
  }

  @Test
  void anExistingKafkaAndQdrantAreWhatTheServicesAreToldToReach(@TempDir Path out)
      throws Exception {
    ContainerPlan.main(
        new String[] {
          Chart.DIR.toString(),
          out.toString(),
          "kafka.enabled=false",
          "kafka.external.bootstrapServers=127.0.0.1:29092",
          "qdrant.enabled=false",
          "qdrant.external.host=127.0.0.1",
          "qdrant.external.grpcPort=26334"
        });
    assertThat(Files.readAllLines(out.resolve("retrieve.env")))
        .contains(
            "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092",
            "RETRIEVE_QDRANT_HOST=127.0.0.1",
            "RETRIEVE_QDRANT_PORT=26334");
    assertThat(Files.readAllLines(out.resolve("generate.secrets")))
        .contains("volume /etc/rag/auth", "env RAG_AUTH_SERVICE_KEY");
    assertThat(Files.readAllLines(out.resolve("hosts"))).contains("rag-embed", "rag-retrieve");
  }

  @Test
  void quantitiesOfBytesAreReadAsKubernetesWritesThem() {
    assertThat(ContainerPlan.bytes("1536Mi")).isEqualTo(1536L << 20);
    assertThat(ContainerPlan.bytes("2Gi")).isEqualTo(2L << 30);
    assertThat(ContainerPlan.bytes("512M")).isEqualTo(512_000_000L);
    assertThat(ContainerPlan.bytes("1000")).isEqualTo(1000L);
    assertThatThrownBy(() -> ContainerPlan.bytes("lots"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String imageTag() {
    return Chart.render().stream()
        .filter(d -> d.path("kind").asText().equals("Deployment"))
        .findFirst()
        .orElseThrow()
        .at("/spec/template/spec/containers/0/image")
        .asText()
        .replaceAll(".*:", "");
  }
}
