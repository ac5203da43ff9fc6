package dev.rag.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A report of {@code ./rag eval} or {@code ./rag bench}: its JSON, and beside it an HTML page with
 * its charts (Chart.js, bundled into the CLI at build time from its webjar) and every figure in a
 * table, that opens offline in a browser from its folder and is listed by the chat page. The page
 * holds no script or style of its own: its data is a JSON block, drawn by {@code report.js}, styled
 * by {@code report.css}, both written beside it, so it also runs under the chat page's
 * Content-Security-Policy.
 *
 * @param title what was measured
 * @param facts lines under the title: the dataset, the settings, the machine
 * @param charts the charts, each with its table
 */
public record HtmlReport(String title, List<String> facts, List<Chart> charts) {

  /** The Chart.js build the CLI carries (org.webjars.npm:chart.js). */
  static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.min.js";

  /** The files every report folder holds beside the reports. */
  static final List<String> ASSETS = List.of("chart.umd.min.js", "report.js", "report.css");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One chart: a category on the x axis ({@code labels}), one series of numbers per legend entry.
   *
   * @param title what it shows
   * @param kind {@code bar} or {@code line}
   * @param xTitle the categories' name
   * @param yTitle the numbers' unit
   * @param labels the categories
   * @param series the series, each as long as {@code labels}
   */
  public record Chart(
      String title,
      String kind,
      String xTitle,
      String yTitle,
      List<String> labels,
      List<Series> series) {}

  /** A named series of numbers (NaN: not measured). */
  public record Series(String label, List<Double> values) {

    /** The numbers under {@code key} of each row (NaN where a row has none). */
    public static Series of(String label, List<? extends Map<String, ?>> rows, String key) {
      return new Series(
          label,
          rows.stream()
              .map(r -> r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN)
              .toList());
    }
  }

  /**
   * Writes {@code data} as JSON to {@code json}, and this report as HTML beside it (same name,
   * {@code .html}), with the files it needs.
   *
   * @return the HTML report
   */
  public Path write(Path json, Object data) throws IOException {
    Path dir = json.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), data);
    String name = json.getFileName().toString().replaceFirst("\\.json$", "");
    Path html = dir.resolve(name + ".html");
    Files.writeString(html, html(name + ".json"), StandardCharsets.UTF_8);
    for (String asset : ASSETS) {
      Path target = dir.resolve(asset);
      byte[] bytes = asset(asset);
      if (!Files.exists(target) || !Arrays.equals(Files.readAllBytes(target), bytes)) {
        Files.write(target, bytes);
      }
    }
    return html;
  }

  private static byte[] asset(String name) {
    String resource = name.equals("chart.umd.min.js") ? CHART_JS : "dev/rag/cli/report/" + name;
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the CLI's class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The page: the title, the facts, per chart a canvas and a table of the same numbers. */
  String html(String jsonName) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"color-scheme\" content=\"light dark\">\n")
        .append("<title>")
        .append(escape(title))
        .append(
            "</title>\n<link rel=\"stylesheet\" href=\"report.css\">\n</head>\n<body>\n<main>\n")
        .append("<h1>")
        .append(escape(title))
        .append("</h1>\n<ul class=\"facts\">\n");
    for (String fact : facts) {
      b.append("<li>").append(escape(fact)).append("</li>\n");
    }
    b.append("<li>written ")
        .append(escape(Instant.now().toString()))
        .append(" · figures also in <a href=\"")
        .append(escape(jsonName))
        .append("\">")
        .append(escape(jsonName))
        .append("</a></li>\n</ul>\n");
    for (int i = 0; i < charts.size(); i++) {
      Chart c = charts.get(i);
      b.append("<figure class=\"chart\" data-chart=\"")
          .append(i)
          .append("\">\n<figcaption>")
          .append(escape(c.title()))
          .append("</figcaption>\n<div class=\"canvas\"><canvas role=\"img\" aria-label=\"")
          .append(escape(c.title() + ": chart of the table below"))
          .append("\"></canvas></div>\n<table>\n<thead><tr><th scope=\"col\">")
          .append(escape(c.xTitle()))
          .append("</th>");
      for (Series s : c.series()) {
        b.append("<th scope=\"col\">").append(escape(s.label())).append("</th>");
      }
      b.append("</tr></thead>\n<tbody>\n");
      for (int row = 0; row < c.labels().size(); row++) {
        b.append("<tr><th scope=\"row\">").append(escape(c.labels().get(row))).append("</th>");
        for (Series s : c.series()) {
          b.append("<td>").append(number(s.values().get(row))).append("</td>");
        }
        b.append("</tr>\n");
      }
      b.append("</tbody>\n</table>\n</figure>\n");
    }
    // Data for report.js; '<' escaped so that no text of the report can end the block.
    b.append("</main>\n<script type=\"application/json\" id=\"report-data\">")
        .append(JSON.writeValueAsString(charts).replace("<", "\\u003c"))
        .append("</script>\n<script src=\"chart.umd.min.js\"></script>\n")
        .append("<script src=\"report.js\"></script>\n</body>\n</html>\n");
    return b.toString();
  }

  /** A figure as the tables show it: up to four decimals, none trailing. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    return s.contains(".") ? s.replaceFirst("0+$", "").replaceFirst("\\.$", "") : s;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
