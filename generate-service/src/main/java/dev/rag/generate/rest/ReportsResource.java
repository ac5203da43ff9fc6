package dev.rag.generate.rest;

import dev.rag.generate.config.GenerateConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.resteasy.reactive.RestPath;

/**
 * The HTML reports of {@code ./rag eval} and {@code ./rag bench} on this installation, listed for
 * the page and served from {@code generate.page.reports-dir} ({@code eval/} and {@code bench/}):
 * their HTML, the JSON beside it, and the script, style and Chart.js build the CLI writes with
 * them. Open to whoever reaches the page, as a link is followed without the page's key; nothing
 * when the folder is not configured (the chart sets none).
 */
@Path("/page/reports")
@PermitAll
public class ReportsResource {

  private static final List<String> GROUPS = List.of("eval", "bench");
  private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
  private static final int MAX_LISTED = 500;

  private final Optional<java.nio.file.Path> dir;

  ReportsResource(GenerateConfig config) {
    this.dir = config.page().reportsDir();
  }

  /** A report: where it is ({@code eval/NAME.html}), and when it was written. */
  public record ReportEntry(String path, String name, String group, Instant written) {}

  /** {@code {reports: [...]}}, newest first; empty when no folder is configured. */
  @GET
  @Blocking
  @Produces(MediaType.APPLICATION_JSON)
  public java.util.Map<String, List<ReportEntry>> list() throws IOException {
    List<ReportEntry> reports = new ArrayList<>();
    if (dir.isPresent()) {
      for (String group : GROUPS) {
        java.nio.file.Path folder = dir.get().resolve(group);
        if (!Files.isDirectory(folder)) {
          continue;
        }
        try (Stream<java.nio.file.Path> files = Files.list(folder)) {
          for (java.nio.file.Path f : files.limit(10_000).toList()) {
            String name = f.getFileName().toString();
            if (name.endsWith(".html") && FILE.matcher(name).matches() && Files.isRegularFile(f)) {
              reports.add(
                  new ReportEntry(
                      group + "/" + name,
                      name.substring(0, name.length() - ".html".length()),
                      group,
                      Files.getLastModifiedTime(f).toInstant()));
            }
          }
        }
      }
    }
    reports.sort(Comparator.comparing(ReportEntry::written).reversed());
    return java.util.Map.of("reports", reports.subList(0, Math.min(MAX_LISTED, reports.size())));
  }

  /** One file of a report folder: 404 for anything else. */
  @GET
  @Blocking
  @Path("/{group}/{file}")
  public Response file(@RestPath String group, @RestPath String file) throws IOException {
    String type = type(file);
    if (dir.isEmpty() || !GROUPS.contains(group) || !FILE.matcher(file).matches() || type == null) {
      return Response.status(404).build();
    }
    java.nio.file.Path f = dir.get().resolve(group).resolve(file);
    if (!Files.isRegularFile(f)) {
      return Response.status(404).build();
    }
    return Response.ok(Files.readAllBytes(f), type).header("Cache-Control", "no-cache").build();
  }

  private static String type(String file) {
    if (file.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (file.endsWith(".json")) {
      return "application/json";
    }
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return null;
  }
}
