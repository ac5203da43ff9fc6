package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.k8s.ContainerPlan;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./rag up --containers} as a user runs it: the images the build made, each service started
 * with what the rendered Helm chart gives its Deployment (user 185, read-only root, every
 * capability dropped, no new privileges, the chart's memory limit), checked end to end: health, an
 * upload indexed, a question answered with a citation of it, the document deleted and no longer
 * cited. Each service's JVM sizes its heap from its container's limit, not from the host's memory.
 *
 * <p>Needs a Docker engine started as the README says (`.ci/run` installs and starts one).
 */
class ContainerSystemIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> SERVICES = List.of("ingest", "embed", "retrieve", "generate");

  private static LocalCluster system;

  @BeforeAll
  static void up() throws Exception {
    assertThat(docker("info", "--format", "{{.ServerVersion}}").exit())
        .as(
            "a Docker engine must answer: apt-get install docker.io debootstrap, then"
                + " dockerd --bridge=none --iptables=false --ip-forward=false &")
        .isZero();
    system = LocalCluster.upContainers();
  }

  @AfterAll
  static void down() throws Exception {
    if (system != null) {
      String prefix = containerPrefix();
      system.close();
      Result left = docker("ps", "-a", "--format", "{{.Names}}");
      assertThat(left.exit()).as(left.out()).isZero();
      assertThat(left.out().lines())
          .as("containers left after ./rag down")
          .noneMatch(name -> name.startsWith(prefix));
    }
  }

  @Test
  void theChartsContainersAnswerWithACitationAndForgetADeletedDocument() throws Exception {
    String status = system.rag(Duration.ofMinutes(1), "status");
    assertThat(status.lines().filter(l -> l.contains("running (pid"))).hasSize(6);

    List<JsonNode> deployments = chartDeployments();
    for (String service : SERVICES) {
      JsonNode config = inspect(service).path("HostConfig");
      JsonNode container = deployment(deployments, service);
      assertThat(inspect(service).path("Config").path("User").asText())
          .as(service + " user")
          .startsWith("185:");
      assertThat(config.path("ReadonlyRootfs").asBoolean()).as(service + " read-only").isTrue();
      assertThat(config.path("CapDrop").toString()).as(service + " caps").contains("ALL");
      assertThat(config.path("SecurityOpt").toString())
          .as(service + " privileges")
          .contains("no-new-privileges");
      assertThat(config.path("NetworkMode").asText()).isEqualTo("host");
      assertThat(config.path("Memory").asLong())
          .as(service + " memory limit, as the chart's")
          .isEqualTo(
              ContainerPlan.bytes(
                  container.path("resources").path("limits").path("memory").asText()));
      assertThat(
              JsonHttp.send(null, "GET", system.url(service, 1) + "/q/health/ready", null)
                  .statusCode())
          .as(service + " ready")
          .isEqualTo(200);
    }

    String documents = system.url("ingest", 1) + "/v1/documents";
    HttpResponse<String> receipt =
        JsonHttp.send(
            system.key(),
            "POST",
            documents,
            Map.of(
                "id",
                "kakapo",
                "source",
                "notes",
                "title",
                "Kakapo",
                "text",
                "The kakapo is a flightless nocturnal parrot of New Zealand that feeds on rimu fruit."));
    assertThat(receipt.statusCode()).as(receipt.body()).isLessThan(300);
    awaitState("kakapo", "indexed");
    String question = "What fruit does the kakapo parrot feed on?";
    assertThat(JsonHttp.cited(ask(question))).contains("kakapo");

    HttpResponse<String> deleted =
        JsonHttp.send(system.key(), "DELETE", documents + "/kakapo?source=notes", null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(202);
    awaitState("kakapo", "deleted");
    assertThat(JsonHttp.cited(ask(question))).doesNotContain("kakapo");
  }

  @Test
  void eachJvmSizesItsHeapFromItsContainersLimit() throws Exception {
    List<JsonNode> deployments = chartDeployments();
    for (String service : SERVICES) {
      JsonNode container = deployment(deployments, service);
      long limit =
          ContainerPlan.bytes(container.path("resources").path("limits").path("memory").asText());
      double percent = maxRamPercentage(container);
      long expected = (long) (limit * percent / 100);
      // A JVM in the service's container, with its environment (JAVA_TOOL_OPTIONS): what the
      // service's own JVM computed at start.
      Result flags =
          docker("exec", containerPrefix() + service, "java", "-XX:+PrintFlagsFinal", "-version");
      assertThat(flags.exit()).as(flags.out()).isZero();
      Matcher max = Pattern.compile("MaxHeapSize\\s*=\\s*(\\d+)").matcher(flags.out());
      assertThat(max.find()).as(flags.out()).isTrue();
      assertThat(Long.parseLong(max.group(1)))
          .as(service + " MaxHeapSize against " + percent + "% of " + limit)
          .isBetween((long) (expected * 0.97), (long) (expected * 1.01));
    }
    // The running generate-service's own figure (its metrics): the heap pools add up to the same
    // share of its limit, less a survivor space.
    JsonNode generate = deployment(deployments, "generate");
    long limit =
        ContainerPlan.bytes(generate.path("resources").path("limits").path("memory").asText());
    long expected = (long) (limit * maxRamPercentage(generate) / 100);
    String metrics =
        JsonHttp.send(system.key(), "GET", system.url("generate", 1) + "/q/metrics", null).body();
    long heap = 0;
    Matcher pool =
        Pattern.compile("(?m)^jvm_memory_max_bytes\\{area=\"heap\",[^}]*} ([0-9.E+-]+)$")
            .matcher(metrics);
    while (pool.find()) {
      heap += (long) Double.parseDouble(pool.group(1));
    }
    assertThat(heap).as(metrics).isBetween((long) (expected * 0.85), (long) (expected * 1.01));
  }

  private static JsonNode ask(String question) throws Exception {
    HttpResponse<String> response =
        JsonHttp.send(
            system.key(),
            "POST",
            system.url("generate", 1) + "/v1/chat/completions",
            Map.of(
                "model", "rag", "messages", List.of(Map.of("role", "user", "content", question))));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void awaitState(String id, String state) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                JSON.readTree(
                        JsonHttp.send(
                                system.key(),
                                "GET",
                                system.url("ingest", 1) + "/v1/documents/" + id + "?source=notes",
                                null)
                            .body())
                    .path("state")
                    .asText()
                    .equals(state));
  }

  /** The chart's four service Deployments' containers, rendered by Helm as ./rag rendered them. */
  private static List<JsonNode> chartDeployments() {
    List<JsonNode> containers = new ArrayList<>();
    for (JsonNode doc :
        ContainerPlan.render(system.root.resolve("k8s/helm/rag"), Map.of("image.tag", "local"))) {
      if (doc.path("kind").asText().equals("Deployment")) {
        containers.add(doc);
      }
    }
    return containers;
  }

  private static JsonNode deployment(List<JsonNode> deployments, String service) {
    return deployments.stream()
        .filter(d -> d.path("metadata").path("name").asText().equals("rag-" + service))
        .findFirst()
        .orElseThrow()
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .get(0);
  }

  private static double maxRamPercentage(JsonNode container) {
    for (JsonNode e : container.path("env")) {
      if (e.path("name").asText().equals("JAVA_TOOL_OPTIONS")) {
        Matcher m = Pattern.compile("MaxRAMPercentage=([0-9.]+)").matcher(e.path("value").asText());
        if (m.find()) {
          return Double.parseDouble(m.group(1));
        }
      }
    }
    throw new AssertionError("the chart sets no MaxRAMPercentage: " + container);
  }

  private static JsonNode inspect(String service) throws Exception {
    Result result = docker("inspect", containerPrefix() + service);
    assertThat(result.exit()).as(result.out()).isZero();
    return JSON.readTree(result.out()).get(0);
  }

  /** The names of this system's containers start with this ({@code ./rag}'s container_name). */
  private static String containerPrefix() throws Exception {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    String hex =
        java.util.HexFormat.of()
            .formatHex(sha.digest(system.home.toString().getBytes(StandardCharsets.UTF_8)));
    return "rag-" + hex.substring(0, 8) + "-";
  }

  private record Result(int exit, String out) {}

  private static Result docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("rag-docker-", ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean done = process.waitFor(2, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    String out = Files.readString(log);
    Files.delete(log);
    return new Result(done ? process.exitValue() : -1, out);
  }
}
