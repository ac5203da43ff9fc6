package dev.rag.cli.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset in BEIR's layout: {@code corpus.jsonl} ({@code _id, title, text}), {@code
 * queries.jsonl} ({@code _id, text}) and {@code qrels/<split>.tsv} ({@code query-id, corpus-id,
 * score}, with a header line).
 */
public record BeirDataset(
    String name,
    List<Doc> corpus,
    Map<String, String> queries,
    Map<String, Map<String, Integer>> qrels) {

  /** A corpus document. */
  public record Doc(String id, String title, String text) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Loads the corpus, the queries that have judgements in {@code split}, and those judgements. */
  public static BeirDataset load(Path dir, String split) {
    return load(dir, split, true);
  }

  /**
   * The judged queries of {@code split} and their judgements, with the corpus when the directory
   * has one (empty otherwise): questions over documents indexed some other way, such as a paper
   * listing.
   */
  public static BeirDataset questions(Path dir, String split) {
    return load(dir, split, false);
  }

  private static BeirDataset load(Path dir, String split, boolean corpusNeeded) {
    Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
    boolean hasCorpus = Files.isRegularFile(dir.resolve("corpus.jsonl"));
    if ((corpusNeeded && !hasCorpus)
        || !Files.isRegularFile(dir.resolve("queries.jsonl"))
        || !Files.isRegularFile(qrelsFile)) {
      throw new IllegalArgumentException(
          dir
              + " is not a BEIR-layout directory with split '"
              + split
              + "': expected "
              + (corpusNeeded ? "corpus.jsonl, " : "")
              + "queries.jsonl and qrels/"
              + split
              + ".tsv");
    }
    Map<String, Map<String, Integer>> qrels = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(qrelsFile, StandardCharsets.UTF_8)) {
      String line;
      boolean header = true;
      while ((line = in.readLine()) != null) {
        if (header) {
          header = false;
          if (line.startsWith("query-id")) {
            continue;
          }
        }
        String[] f = line.split("\t");
        if (f.length < 3) {
          continue;
        }
        int score = Integer.parseInt(f[2].strip());
        if (score > 0) {
          qrels.computeIfAbsent(f[0], q -> new LinkedHashMap<>()).put(f[1], score);
        }
      }
      Map<String, String> queries = new LinkedHashMap<>();
      for (JsonNode q : readJsonl(dir.resolve("queries.jsonl"))) {
        String id = q.path("_id").asText();
        if (qrels.containsKey(id)) {
          queries.put(id, q.path("text").asText());
        }
      }
      List<Doc> corpus = new ArrayList<>();
      for (JsonNode d : hasCorpus ? readJsonl(dir.resolve("corpus.jsonl")) : List.<JsonNode>of()) {
        corpus.add(
            new Doc(d.path("_id").asText(), d.path("title").asText(""), d.path("text").asText("")));
      }
      qrels.keySet().retainAll(queries.keySet());
      return new BeirDataset(dir.getFileName().toString(), corpus, queries, qrels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> readJsonl(Path file) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isBlank()) {
          nodes.add(JSON.readTree(line));
        }
      }
    }
    return nodes;
  }
}
