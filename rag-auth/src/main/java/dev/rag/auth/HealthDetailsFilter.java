package dev.rag.auth;

import io.quarkus.runtime.LaunchMode;
import io.smallrye.health.api.HealthContentFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * Keeps health responses to each check's name and status unless {@code rag.health.details} says
 * otherwise: a check's data (and what SmallRye Health adds when a check throws: the exception's
 * class and message) can name internal hosts and errors, and health endpoints need no key.
 */
@ApplicationScoped
public class HealthDetailsFilter implements HealthContentFilter {

  private final boolean details;

  HealthDetailsFilter(HealthConfig config) {
    this.details = config.details().orElse(LaunchMode.current() != LaunchMode.NORMAL);
  }

  @Override
  public JsonObject filter(JsonObject payload) {
    if (details || !payload.containsKey("checks")) {
      return payload;
    }
    JsonArrayBuilder checks = Json.createArrayBuilder();
    for (JsonValue check : payload.getJsonArray("checks")) {
      if (check instanceof JsonObject c) {
        JsonObjectBuilder kept = Json.createObjectBuilder();
        c.forEach(
            (name, value) -> {
              if (!"data".equals(name)) {
                kept.add(name, value);
              }
            });
        checks.add(kept);
      } else {
        checks.add(check);
      }
    }
    return Json.createObjectBuilder(payload).add("checks", checks).build();
  }
}
