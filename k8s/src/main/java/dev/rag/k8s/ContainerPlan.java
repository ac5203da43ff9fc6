package dev.rag.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders the chart with real Helm and turns each of its four service Deployments into what {@code
 * docker run} needs to start that container as the cluster would: the image, the environment (the
 * ConfigMap's and the container's literal values), the pod's and container's security context, the
 * memory limit, the emptyDir volumes as tmpfs mounts, and what must come from secrets. Nothing here
 * is written a second time by hand: change the chart and the containers follow.
 *
 * <p>{@code java -cp ... dev.rag.k8s.ContainerPlan CHART OUT_DIR [key=value ...]} writes, per
 * service {@code S}: {@code S.env} (KEY=VALUE lines, for {@code --env-file}), {@code S.args} (one
 * {@code docker run} argument per line), {@code S.image}, {@code S.secrets} ({@code volume PATH}
 * and {@code env NAME} lines the caller provides); and {@code hosts}: the names of the chart's
 * Services, which the caller maps to the address its containers share.
 */
public final class ContainerPlan {

  static final List<String> SERVICES = List.of("ingest", "embed", "retrieve", "generate");
  private static final ObjectMapper YAML = new YAMLMapper();

  /** One service's container, as the rendered chart describes it. */
  public record Container(
      String service,
      String image,
      Map<String, String> env,
      List<String> runArguments,
      List<String> secretVolumes,
      List<String> secretEnv) {}

  private ContainerPlan() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: ContainerPlan CHART_DIR OUT_DIR [key=value ...]");
      System.exit(2);
    }
    Map<String, String> sets = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("not key=value: " + args[i]);
      }
      sets.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    List<JsonNode> docs = render(Path.of(args[0]), sets);
    for (Container c : containers(docs)) {
      Files.write(out.resolve(c.service() + ".image"), List.of(c.image()));
      List<String> env = new ArrayList<>();
      c.env().forEach((k, v) -> env.add(k + "=" + v));
      Files.write(out.resolve(c.service() + ".env"), env);
      Files.write(out.resolve(c.service() + ".args"), c.runArguments());
      List<String> secrets = new ArrayList<>();
      c.secretVolumes().forEach(v -> secrets.add("volume " + v));
      c.secretEnv().forEach(e -> secrets.add("env " + e));
      Files.write(out.resolve(c.service() + ".secrets"), secrets);
    }
    Files.write(out.resolve("hosts"), serviceNames(docs));
  }

  /** The chart rendered by Helm as release "rag", as the YAML documents it prints. */
  public static List<JsonNode> render(Path chart, Map<String, String> sets) {
    TemplateCommand template =
        new Helm(chart).template().withName("rag").withNamespace("rag").withKubeVersion("1.31.0");
    sets.forEach(template::set);
    return documents(template.call());
  }

  /** The non-empty YAML documents of a rendered chart. */
  public static List<JsonNode> documents(String rendered) {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(rendered)) {
      var values = YAML.readValues(parser, JsonNode.class);
      while (values.hasNext()) {
        JsonNode doc = values.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /** The four services' containers of a rendered chart. */
  public static List<Container> containers(List<JsonNode> docs) {
    Map<String, JsonNode> configMaps = new LinkedHashMap<>();
    for (JsonNode d : docs) {
      if (d.path("kind").asText().equals("ConfigMap")) {
        configMaps.put(d.path("metadata").path("name").asText(), d.path("data"));
      }
    }
    List<Container> result = new ArrayList<>();
    for (String service : SERVICES) {
      JsonNode deployment =
          docs.stream()
              .filter(d -> d.path("kind").asText().equals("Deployment"))
              .filter(d -> d.path("metadata").path("name").asText().equals("rag-" + service))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("the chart renders no rag-" + service));
      result.add(
          container(service, deployment.path("spec").path("template").path("spec"), configMaps));
    }
    return result;
  }

  private static Container container(
      String service, JsonNode pod, Map<String, JsonNode> configMaps) {
    JsonNode c = pod.path("containers").get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : c.path("envFrom")) {
      String name = from.path("configMapRef").path("name").asText();
      JsonNode data = configMaps.get(name);
      if (data == null) {
        throw new IllegalStateException(service + " reads ConfigMap " + name + ", not rendered");
      }
      data.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    }
    List<String> secretEnv = new ArrayList<>();
    for (JsonNode e : c.path("env")) {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      } else if (e.path("valueFrom").has("secretKeyRef")) {
        secretEnv.add(e.path("name").asText());
      } else {
        throw new IllegalStateException(
            service + ": env " + e.path("name").asText() + " has a source this plan does not know");
      }
    }
    List<String> args = new ArrayList<>();
    JsonNode podSecurity = pod.path("securityContext");
    JsonNode security = c.path("securityContext");
    if (podSecurity.has("runAsUser")) {
      args.add("--user");
      args.add(
          podSecurity.path("runAsUser").asText()
              + ":"
              + podSecurity.path("runAsGroup").asText("0"));
    }
    if (security.path("readOnlyRootFilesystem").asBoolean()) {
      args.add("--read-only");
    }
    for (JsonNode cap : security.path("capabilities").path("drop")) {
      args.add("--cap-drop");
      args.add(cap.asText());
    }
    if (security.has("allowPrivilegeEscalation")
        && !security.path("allowPrivilegeEscalation").asBoolean()) {
      args.add("--security-opt");
      args.add("no-new-privileges");
    }
    String memory = c.path("resources").path("limits").path("memory").asText("");
    if (!memory.isEmpty()) {
      args.add("--memory");
      args.add(Long.toString(bytes(memory)));
    }
    Map<String, JsonNode> volumes = new LinkedHashMap<>();
    for (JsonNode v : pod.path("volumes")) {
      volumes.put(v.path("name").asText(), v);
    }
    List<String> secretVolumes = new ArrayList<>();
    for (JsonNode m : c.path("volumeMounts")) {
      JsonNode v = volumes.get(m.path("name").asText());
      String path = m.path("mountPath").asText();
      if (v.has("emptyDir")) {
        String size = v.path("emptyDir").path("sizeLimit").asText("");
        args.add("--tmpfs");
        args.add(
            path
                + ":rw,exec,nosuid,nodev,mode=1777"
                + (size.isEmpty() ? "" : ",size=" + bytes(size)));
      } else if (v.has("secret") || v.has("projected")) {
        secretVolumes.add(path);
      } else {
        throw new IllegalStateException(
            service
                + ": volume "
                + m.path("name").asText()
                + " has a kind this plan does not know");
      }
    }
    return new Container(service, c.path("image").asText(), env, args, secretVolumes, secretEnv);
  }

  /** The names of the chart's Services (what containers on one host reach at one address). */
  static List<String> serviceNames(List<JsonNode> docs) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode d : docs) {
      if (d.path("kind").asText().equals("Service")) {
        names.add(d.path("metadata").path("name").asText());
      }
    }
    return List.copyOf(names);
  }

  /** A Kubernetes quantity of bytes ("1Gi", "1536Mi", "512M", "1000") as a number. */
  public static long bytes(String quantity) {
    String q = quantity.trim();
    Map<String, Long> units = new LinkedHashMap<>();
    units.put("Ki", 1L << 10);
    units.put("Mi", 1L << 20);
    units.put("Gi", 1L << 30);
    units.put("Ti", 1L << 40);
    units.put("k", 1000L);
    units.put("M", 1000_000L);
    units.put("G", 1000_000_000L);
    units.put("T", 1000_000_000_000L);
    for (var u : units.entrySet()) {
      if (q.endsWith(u.getKey())) {
        return Long.parseLong(q.substring(0, q.length() - u.getKey().length())) * u.getValue();
      }
    }
    if (q.toLowerCase(Locale.ROOT).matches("[0-9]+")) {
      return Long.parseLong(q);
    }
    throw new IllegalArgumentException("not a quantity of bytes: " + quantity);
  }
}
