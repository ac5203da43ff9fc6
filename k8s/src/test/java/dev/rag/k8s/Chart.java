package dev.rag.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The chart under test, driven by real Helm (in-process, helm-java). */
final class Chart {

  static final Path DIR = Path.of("helm/rag").toAbsolutePath();
  static final Path PRODUCTION_GPU = Path.of("helm/values-production-gpu.yaml").toAbsolutePath();
  static final Path HUNDRED_MILLION = Path.of("helm/values-100m.yaml").toAbsolutePath();
  static final ObjectMapper YAML = new YAMLMapper();

  private Chart() {}

  /** Renders the chart with the given values files and --set pairs; throws what Helm reports. */
  static List<JsonNode> render(List<Path> valuesFiles, Map<String, Object> sets) {
    return documents(template(DIR, valuesFiles, sets));
  }

  private static String template(Path chart, List<Path> valuesFiles, Map<String, Object> sets) {
    TemplateCommand template =
        new Helm(chart).template().withName("rag").withNamespace("rag").withKubeVersion("1.31.0");
    valuesFiles.forEach(template::withValuesFile);
    sets.forEach(template::set);
    return template.call();
  }

  /**
   * The {@code helm test} hooks. {@code helm template} leaves test hooks out here, so they are
   * rendered from a copy of the chart whose test templates lack the hook annotation.
   */
  static List<JsonNode> renderTestHooks(Path... valuesFiles) {
    Path copy = copyChart();
    try {
      try (Stream<Path> tests = Files.list(copy.resolve("templates/tests"))) {
        for (Path t : tests.toList()) {
          Files.writeString(
              t, Files.readString(t).replaceAll("(?m)^\\s*helm\\.sh/hook: test\\s*$\\n", ""));
        }
      }
      List<JsonNode> all = documents(template(copy, List.of(valuesFiles), Map.of()));
      return all.stream().filter(d -> d.path("kind").asText().equals("Pod")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(copy.getParent());
    }
  }

  /** The NOTES.txt an install prints (helm install --dry-run, client only). */
  static String notes(Path... valuesFiles) {
    InstallCommand install =
        new Helm(DIR)
            .install()
            .withName("rag")
            .withNamespace("rag")
            .withKubeVersion("1.31.0")
            .clientOnly()
            .dryRun();
    List.of(valuesFiles).forEach(install::withValuesFile);
    String output = install.call().getOutput();
    return output.substring(output.indexOf("\nNOTES:") + 7);
  }

  private static Path copyChart() {
    try {
      Path copy = Files.createTempDirectory("rag-chart-").resolve("rag");
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path f : files.toList()) {
          Path target = copy.resolve(DIR.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
          } else {
            Files.copy(f, target);
          }
        }
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> render(Path... valuesFiles) {
    return render(List.of(valuesFiles), Map.of());
  }

  /** helm lint --strict with the chart's values, or with a values file merged over them. */
  static LintResult lint(Path valuesFile) {
    if (valuesFile == null) {
      return new Helm(DIR).lint().strict().call();
    }
    // helm-java's lint takes no values file: lint a copy whose values.yaml is the merged values.
    Path copy = copyChart();
    try {
      JsonNode merged =
          merge(
              YAML.readTree(DIR.resolve("values.yaml").toFile()),
              YAML.readTree(valuesFile.toFile()));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(copy.getParent());
    }
  }

  private static JsonNode merge(JsonNode base, JsonNode override) {
    if (!(base instanceof ObjectNode b) || !override.isObject()) {
      return override;
    }
    override
        .fields()
        .forEachRemaining(
            e ->
                b.set(
                    e.getKey(),
                    b.has(e.getKey()) ? merge(b.get(e.getKey()), e.getValue()) : e.getValue()));
    return b;
  }

  /** The non-empty YAML documents of a rendered chart. */
  static List<JsonNode> documents(String rendered) {
    return ContainerPlan.documents(rendered);
  }

  static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode named(List<JsonNode> docs, String kind, String name) {
    return ofKind(docs, kind).stream()
        .filter(d -> d.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  /** Containers (and init containers) of every workload and pod, with where they are. */
  static List<Map.Entry<String, JsonNode>> containers(List<JsonNode> docs, boolean withInit) {
    List<Map.Entry<String, JsonNode>> result = new ArrayList<>();
    for (JsonNode d : docs) {
      String kind = d.path("kind").asText();
      JsonNode podSpec =
          kind.equals("Pod") ? d.path("spec") : d.path("spec").path("template").path("spec");
      List<String> lists =
          withInit ? List.of("containers", "initContainers") : List.of("containers");
      for (String list : lists) {
        for (JsonNode c : podSpec.path(list)) {
          result.add(
              Map.entry(
                  kind
                      + "/"
                      + d.path("metadata").path("name").asText()
                      + "/"
                      + c.path("name").asText(),
                  c));
        }
      }
    }
    return result;
  }
}
