package dev.rag.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.cli.ApiKey;
import dev.rag.cli.config.CliConfig;
import dev.rag.cli.eval.BeirDataset;
import dev.rag.cli.eval.Metrics;
import dev.rag.cli.report.HtmlReport;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rag bench chat}: the chat endpoint measured the way a person meets it.
 *
 * <ul>
 *   <li>Citations, on every judged query of a BEIR split: the share of answers citing at least one
 *       relevant document, the share of each answer's relevant documents it cites (on its own for
 *       questions with several: "which papers..."), and, for datasets whose queries carry evidence
 *       sentences in their metadata (SciFact: {@code {"<doc id>": [{"sentences": [i, ...]}]}}), the
 *       share of cited answer sentences that are gold evidence.
 *   <li>Latency of streamed answers: time to the first piece of text and to the end, p50/p95, at
 *       each concurrency.
 * </ul>
 *
 * The corpus file is optional: questions over documents indexed another way (a paper listing, see
 * {@code e2e-tests/src/test/resources/seed-questions}) need only queries and judgements. Evidence
 * sentences are located by splitting the document's text into sentences (the dataset gives only
 * their positions); a cited sentence counts as evidence when its words equal, contain or are
 * contained in those of an evidence sentence of a cited gold document.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description =
        "Citation quality of chat answers on a BEIR split, then streamed answer latency at each"
            + " concurrency.")
public class ChatBench implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CITATION = Pattern.compile("\\[(\\d{1,4})\\]");
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=\\][.!?;:]{0,3})\\s+");

  @Mixin DatasetOptions dataset;

  @Mixin LoadOptions load;

  @Option(names = "--source", description = "sources to search (default: all)")
  List<String> sourceOptions;

  @Option(
      names = "--chat-url",
      description = "the chat service's base URL (default: rag.chat-url, http://127.0.0.1:8080)")
  String chatUrl;

  @Option(
      names = "--chat-top-k",
      defaultValue = "5",
      description =
          "passages given to the answerer; 0 leaves it to the service (default: ${DEFAULT-VALUE})")
  int topK;

  @Inject CliConfig config;

  @Inject ApiKey apiKey;

  private HttpClient http;
  private URI endpoint;
  private List<String> sources;

  @Override
  public Integer call() throws Exception {
    // Made here, not with the command: every command is built when the CLI starts.
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String url = chatUrl != null ? chatUrl : config.chatUrl();
    endpoint = URI.create(url.replaceAll("/+$", "") + "/v1/chat/completions");
    sources = sourceOptions == null ? List.of() : sourceOptions;
    if (topK < 0) {
      System.err.println("--chat-top-k must be 0 (the service's default) or more");
      return 2;
    }
    run(dataset.dir, dataset.split, load.concurrency, load.requests);
    return 0;
  }

  private void run(Path dir, String split, List<Integer> concurrency, int requests)
      throws Exception {
    BeirDataset data = BeirDataset.questions(dir, split);
    Map<String, Map<String, List<Integer>>> evidence = evidence(dir, data.queries().keySet());
    Map<String, String> texts = new HashMap<>();
    data.corpus().forEach(d -> texts.put(d.id(), d.text()));
    List<String> ids = new ArrayList<>(data.queries().keySet());
    System.out.printf(
        "chat benchmark on %s (%s): %d judged queries, %d with evidence sentences, %s%n",
        dir.getFileName(), split, ids.size(), evidence.size(), endpoint);

    int answered = 0;
    int abstained = 0;
    int empty = 0;
    int citing = 0;
    int hits = 0;
    int citedSentences = 0;
    int citedGoldDocSentences = 0;
    int evidenceSentences = 0;
    int evidenceAnswers = 0;
    double relevantCited = 0;
    int severalRelevant = 0;
    double severalCited = 0;
    int citedDocuments = 0;
    int citedRelevant = 0;
    String model = "?";
    for (String id : ids) {
      JsonNode completion = complete(data.queries().get(id));
      model = completion.path("model").asText();
      answered++;
      String text = completion.path("choices").path(0).path("message").path("content").asText();
      abstained += completion.path("abstained").asBoolean() ? 1 : 0;
      empty += text.isBlank() ? 1 : 0;
      Map<Integer, String> documentOf = new HashMap<>();
      for (JsonNode s : completion.path("sources")) {
        documentOf.put(s.path("number").asInt(), s.path("document_id").asText());
      }
      Set<String> gold = data.qrels().getOrDefault(id, Map.of()).keySet();
      Set<String> cited = new HashSet<>();
      Map<String, List<Integer>> queryEvidence = evidence.get(id);
      for (String sentence : SENTENCE_END.split(text)) {
        Set<String> docs = new HashSet<>();
        Matcher m = CITATION.matcher(sentence);
        while (m.find()) {
          String doc = documentOf.get(Integer.parseInt(m.group(1)));
          if (doc != null) {
            docs.add(doc);
          }
        }
        if (docs.isEmpty()) {
          continue;
        }
        cited.addAll(docs);
        if (queryEvidence == null) {
          continue;
        }
        citedSentences++;
        String plain = words(sentence.replaceAll("\\s?\\[\\d{1,4}\\]", ""));
        boolean goldDoc = false;
        boolean isEvidence = false;
        for (String doc : docs) {
          List<Integer> positions = queryEvidence.get(doc);
          if (positions == null) {
            continue;
          }
          goldDoc = true;
          List<String> docSentences = sentences(texts.getOrDefault(doc, ""));
          for (int i : positions) {
            if (i < docSentences.size()) {
              String e = words(docSentences.get(i));
              if (!plain.isEmpty() && (e.contains(plain) || plain.contains(e))) {
                isEvidence = true;
              }
            }
          }
        }
        citedGoldDocSentences += goldDoc ? 1 : 0;
        evidenceSentences += isEvidence ? 1 : 0;
      }
      if (queryEvidence != null) {
        evidenceAnswers++;
      }
      if (!cited.isEmpty()) {
        citing++;
      }
      if (cited.stream().anyMatch(gold::contains)) {
        hits++;
      }
      long citedGold = cited.stream().filter(gold::contains).count();
      double share = gold.isEmpty() ? 0 : (double) citedGold / gold.size();
      relevantCited += share;
      citedDocuments += cited.size();
      citedRelevant += (int) citedGold;
      if (gold.size() > 1) {
        severalRelevant++;
        severalCited += share;
      }
    }
    System.out.printf(Locale.ROOT, "answerer: %s%n", model);
    System.out.printf(
        Locale.ROOT,
        "citation hit rate: %.3f (%d of %d answers cite a relevant document; %d cite anything)%n",
        ratio(hits, answered),
        hits,
        answered,
        citing);
    System.out.printf(
        Locale.ROOT,
        "relevant documents cited: %.3f of each answer's relevant documents on average; %.3f over"
            + " the %d questions with 2 or more%n",
        answered == 0 ? 0 : relevantCited / answered,
        severalRelevant == 0 ? 0 : severalCited / severalRelevant,
        severalRelevant);
    System.out.printf(
        Locale.ROOT,
        "cited documents that are relevant: %.3f (%d of %d)%n",
        ratio(citedRelevant, citedDocuments),
        citedRelevant,
        citedDocuments);
    System.out.printf(
        Locale.ROOT,
        "abstained: %.3f (%d of %d answers cite nothing and say the documents do not answer);"
            + " %d empty%n",
        ratio(abstained, answered),
        abstained,
        answered,
        empty);
    System.out.printf(
        Locale.ROOT,
        "evidence: %.3f of %d cited sentences (in %d answers with gold evidence) are gold evidence;"
            + " %.3f cite a gold document%n",
        ratio(evidenceSentences, citedSentences),
        citedSentences,
        evidenceAnswers,
        ratio(citedGoldDocSentences, citedSentences));

    List<String> questions = ids.stream().map(data.queries()::get).toList();
    for (int i = 0; i < Math.min(20, questions.size()); i++) {
      stream(questions.get(i));
    }
    System.out.printf(
        "%-12s %10s %10s %10s %10s %8s%n",
        "concurrency", "ttft p50", "ttft p95", "total p50", "total p95", "req/s");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int c : concurrency) {
      ClosedLoop.Run<double[]> run =
          ClosedLoop.run(c, requests, i -> stream(questions.get(i % questions.size())));
      List<double[]> timings = run.results();
      double seconds = run.seconds();
      List<Double> ttft = timings.stream().map(t -> t[0]).toList();
      List<Double> total = timings.stream().map(t -> t[1]).toList();
      System.out.printf(
          Locale.ROOT,
          "%-12d %10.1f %10.1f %10.1f %10.1f %8.1f%n",
          c,
          Metrics.percentile(ttft, 50),
          Metrics.percentile(ttft, 95),
          Metrics.percentile(total, 50),
          Metrics.percentile(total, 95),
          requests / seconds);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("concurrency", c);
      row.put("ttft_p50_ms", Metrics.percentile(ttft, 50));
      row.put("ttft_p95_ms", Metrics.percentile(ttft, 95));
      row.put("total_p50_ms", Metrics.percentile(total, 50));
      row.put("total_p95_ms", Metrics.percentile(total, 95));
      row.put("requests_per_second", requests / seconds);
      rows.add(row);
    }
    System.out.println("(milliseconds; ttft = time to the first piece of answer text)");

    Map<String, Object> quality = new LinkedHashMap<>();
    quality.put("answers", answered);
    quality.put("answers_citing", citing);
    quality.put("abstention_rate", ratio(abstained, answered));
    quality.put("empty_answers", empty);
    quality.put("citation_hit_rate", ratio(hits, answered));
    quality.put("relevant_cited_share", answered == 0 ? 0 : relevantCited / answered);
    quality.put("questions_with_several_relevant", severalRelevant);
    quality.put("cited_documents_relevant_share", ratio(citedRelevant, citedDocuments));
    quality.put(
        "several_relevant_cited_share", severalRelevant == 0 ? 0 : severalCited / severalRelevant);
    quality.put("cited_sentences", citedSentences);
    quality.put("evidence_share", ratio(evidenceSentences, citedSentences));
    quality.put("gold_document_share", ratio(citedGoldDocSentences, citedSentences));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("dataset", dir.toAbsolutePath().normalize().getFileName().toString());
    json.put("split", split);
    json.put("answerer", model);
    json.put("top_k", topK);
    json.put("quality", quality);
    json.put("latency", rows);
    List<String> levels = rows.stream().map(r -> "concurrency " + r.get("concurrency")).toList();
    HtmlReport html =
        new HtmlReport(
            "Chat on " + json.get("dataset") + " (" + split + ")",
            List.of(
                "answerer " + model + ", top_k " + topK,
                answered
                    + " judged questions; "
                    + citedSentences
                    + " cited sentences in answers"
                    + " with gold evidence",
                "latency: " + requests + " streamed requests per level, closed loop"),
            List.of(
                new HtmlReport.Chart(
                    "Citations",
                    "bar",
                    "measure",
                    "share",
                    List.of(
                        "answers citing a relevant document",
                        "relevant documents cited (mean per answer)",
                        "cited sentences that are gold evidence",
                        "cited sentences citing a gold document",
                        "answers abstaining"),
                    List.of(
                        new HtmlReport.Series(
                            "share",
                            List.of(
                                ratio(hits, answered),
                                answered == 0 ? 0 : relevantCited / answered,
                                ratio(evidenceSentences, citedSentences),
                                ratio(citedGoldDocSentences, citedSentences),
                                ratio(abstained, answered))))),
                new HtmlReport.Chart(
                    "Time to the first piece of answer",
                    "bar",
                    "load",
                    "milliseconds",
                    levels,
                    List.of(
                        HtmlReport.Series.of("p50", rows, "ttft_p50_ms"),
                        HtmlReport.Series.of("p95", rows, "ttft_p95_ms"))),
                new HtmlReport.Chart(
                    "Time to the whole answer",
                    "bar",
                    "load",
                    "milliseconds",
                    levels,
                    List.of(
                        HtmlReport.Series.of("p50", rows, "total_p50_ms"),
                        HtmlReport.Series.of("p95", rows, "total_p95_ms")))));
    Path file = dataset.reportFile(config.home(), "chat");
    System.err.println(
        "Report: " + file.toAbsolutePath() + " (charts: " + html.write(file, json) + ")");
  }

  private Map<String, Object> body(String question, boolean stream) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", "rag");
    body.put("stream", stream);
    if (topK > 0) {
      body.put("top_k", topK);
    }
    body.put("messages", List.of(Map.of("role", "user", "content", question)));
    if (!sources.isEmpty()) {
      body.put("sources", sources);
    }
    return body;
  }

  private JsonNode complete(String question) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request(body(question, false)), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "chat answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Milliseconds to the first text piece and to the end of a streamed answer. */
  private double[] stream(String question) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<Stream<String>> response =
        http.send(request(body(question, true)), HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("chat answered " + response.statusCode());
    }
    double first = -1;
    try (Stream<String> lines = response.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (first < 0
            && line.startsWith("data: {")
            && line.contains("\"content\":\"")
            && !line.contains("\"content\":\"\"")) {
          first = (System.nanoTime() - start) / 1e6;
        }
        if (line.equals("data: [DONE]")) {
          break;
        }
      }
    }
    double total = (System.nanoTime() - start) / 1e6;
    return new double[] {first < 0 ? total : first, total};
  }

  private HttpRequest request(Map<String, Object> body) throws IOException {
    return apiKey
        .request(endpoint)
        .timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }

  /** Evidence sentence positions per judged query and document, from the queries' metadata. */
  private static Map<String, Map<String, List<Integer>>> evidence(Path dir, Set<String> queries)
      throws IOException {
    Map<String, Map<String, List<Integer>>> result = new HashMap<>();
    try (BufferedReader in =
        Files.newBufferedReader(dir.resolve("queries.jsonl"), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode q = JSON.readTree(line);
        String id = q.path("_id").asText();
        if (!queries.contains(id) || !q.path("metadata").isObject()) {
          continue;
        }
        Map<String, List<Integer>> perDoc = new HashMap<>();
        q.path("metadata")
            .fields()
            .forEachRemaining(
                doc -> {
                  List<Integer> positions = new ArrayList<>();
                  for (JsonNode annotation : doc.getValue()) {
                    annotation.path("sentences").forEach(n -> positions.add(n.asInt()));
                  }
                  if (!positions.isEmpty()) {
                    perDoc.put(doc.getKey(), positions);
                  }
                });
        if (!perDoc.isEmpty()) {
          result.put(id, perDoc);
        }
      }
    }
    return result;
  }

  private static List<String> sentences(String text) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(text);
    List<String> out = new ArrayList<>();
    for (int start = it.first(), end = it.next();
        end != BreakIterator.DONE;
        start = end, end = it.next()) {
      out.add(text.substring(start, end));
    }
    return out;
  }

  private static String words(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
  }

  private static double ratio(int a, int b) {
    return b == 0 ? 0 : (double) a / b;
  }
}
