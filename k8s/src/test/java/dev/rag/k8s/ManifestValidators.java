package dev.rag.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.testsupport.NpmPackages;
import dev.rag.testsupport.QdrantServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Two offline checks of rendered manifests against the Kubernetes schema, each catching what the
 * other misses: fabric8's typed model (a field it does not know, e.g. a misspelling, is left over
 * as an "additional property") and the kubernetes-models npm package's JSON-schema validation
 * (missing required fields, wrong types, enums).
 */
final class ManifestValidators {

  static final String KUBERNETES_MODELS_VERSION = "5.1.0";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private ManifestValidators() {}

  /** Unknown fields found by binding each manifest to fabric8's typed model; empty when none. */
  static List<String> unknownFields(JsonNode manifest) {
    Object typed = SERIALIZATION.unmarshal(manifest.toString());
    if (typed instanceof GenericKubernetesResource) {
      return List.of(
          manifest.path("kind").asText()
              + ": no typed model for "
              + manifest.path("apiVersion").asText());
    }
    List<String> found = new ArrayList<>();
    walk(
        typed,
        manifest.path("kind").asText() + "/" + manifest.path("metadata").path("name").asText(),
        found,
        new IdentityHashMap<>());
    return found;
  }

  private static void walk(
      Object node, String path, List<String> found, Map<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : node.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String name = m.getName();
      try {
        if (name.equals("getAdditionalProperties")) {
          Map<?, ?> extra = (Map<?, ?>) m.invoke(node);
          if (extra != null && !extra.isEmpty()) {
            found.add(path + ": unknown field(s) " + extra.keySet());
          }
        } else if (name.startsWith("get") && !name.equals("getClass")) {
          walk(
              m.invoke(node),
              path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4),
              found,
              seen);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Custom resources of operators the chart can use; not part of the Kubernetes schema. */
  static final Set<String> CUSTOM_KINDS = Set.of("ScaledObject", "KafkaTopic", "KafkaUser");

  /**
   * Every problem of a rendered release: unknown fields and schema errors of each standard manifest
   * (the operators' custom resources are left out).
   */
  static List<String> problems(List<JsonNode> manifests) {
    List<String> problems = new ArrayList<>();
    List<JsonNode> standard = new ArrayList<>();
    for (JsonNode doc : manifests) {
      if (!CUSTOM_KINDS.contains(doc.path("kind").asText())) {
        standard.add(doc);
        problems.addAll(unknownFields(doc));
      }
    }
    problems.addAll(schemaErrors(standard));
    return problems;
  }

  /**
   * Validates manifests with kubernetes-models (installed with npm into the cache on first use);
   * returns one message per invalid manifest, or per manifest whose kind it has no model for.
   */
  static List<String> schemaErrors(List<JsonNode> manifests) {
    Path dir = kubernetesModels();
    try {
      Path input = Files.createTempFile("manifests", ".json");
      Files.writeString(input, JSON.writeValueAsString(manifests));
      Process node =
          new ProcessBuilder("node", dir.resolve("validate.mjs").toString(), input.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!node.waitFor(60, TimeUnit.SECONDS) || node.exitValue() != 0) {
        throw new IllegalStateException("the kubernetes-models validator failed: " + out);
      }
      Files.delete(input);
      List<String> errors = new ArrayList<>();
      JSON.readTree(out.lines().reduce((a, b) -> b).orElse("[]"))
          .forEach(e -> errors.add(e.asText()));
      return errors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The npm package in the user's cache (like the Qdrant binary the tests use). */
  private static synchronized Path kubernetesModels() {
    Path dir =
        QdrantServer.cacheDir().resolve("kubernetes-models").resolve(KUBERNETES_MODELS_VERSION);
    NpmPackages.install(
        dir,
        "kubernetes-models",
        KUBERNETES_MODELS_VERSION,
        dir.resolve("node_modules/kubernetes-models/package.json"),
        "the manifest validator needs Node.js and npm: apt-get install nodejs npm");
    try (var script = ManifestValidators.class.getResourceAsStream("/validate.mjs")) {
      Files.write(dir.resolve("validate.mjs"), script.readAllBytes());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
