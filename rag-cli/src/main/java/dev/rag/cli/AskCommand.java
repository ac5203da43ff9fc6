package dev.rag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.cli.config.CliConfig;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./rag ask QUESTION}: asks the chat endpoint and prints the answer, then the passages it
 * cites. The question is sent as JSON built by a JSON library, so any text (quotes, tabs, new
 * lines) is sent as it is; {@code --stream} prints the answer as it is written.
 */
@Command(
    name = "ask",
    mixinStandardHelpOptions = true,
    description = "Ask a question and print the cited answer.")
public class AskCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(arity = "1..*", paramLabel = "QUESTION", description = "the question (words joined)")
  List<String> words;

  @Option(names = "--stream", description = "print the answer as it is written")
  boolean stream;

  @Option(names = "--source", description = "search only these sources (repeatable)")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--chat-url",
      description = "the chat service's base URL (default: rag.chat-url, http://127.0.0.1:8080)")
  String chatUrl;

  @Option(names = "--timeout", defaultValue = "60", description = "seconds to wait for an answer")
  int timeoutSeconds;

  @Inject CliConfig config;

  @Inject ApiKey apiKey;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", "rag");
    body.put("messages", List.of(Map.of("role", "user", "content", String.join(" ", words))));
    body.put("stream", stream);
    if (!sources.isEmpty()) {
      body.put("sources", sources);
    }
    String url = chatUrl != null ? chatUrl : config.chatUrl();
    HttpRequest request =
        apiKey
            .request(URI.create(url.replaceAll("/+$", "") + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(timeoutSeconds))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    if (!stream) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode answer = JSON.readTree(response.body());
      if (response.statusCode() != 200) {
        return error(response.statusCode(), answer);
      }
      out.println(answer.path("choices").path(0).path("message").path("content").asText());
      printSources(answer.path("sources"));
      return 0;
    }
    HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    if (response.statusCode() != 200) {
      String text = String.join("\n", response.body().toList());
      return error(response.statusCode(), JSON.readTree(text.isBlank() ? "{}" : text));
    }
    JsonNode[] sourcesSeen = {null};
    response
        .body()
        .filter(line -> line.startsWith("data:"))
        .map(line -> line.substring(5).strip())
        .takeWhile(data -> !data.equals("[DONE]"))
        .forEach(
            data -> {
              try {
                JsonNode event = JSON.readTree(data);
                String piece =
                    event.path("choices").path(0).path("delta").path("content").asText("");
                out.print(piece);
                out.flush();
                if (event.has("sources")) {
                  sourcesSeen[0] = event.get("sources");
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    out.println();
    if (sourcesSeen[0] != null) {
      printSources(sourcesSeen[0]);
    }
    return 0;
  }

  private void printSources(JsonNode sources) {
    out.println();
    for (JsonNode s : sources) {
      if (s.path("cited").asBoolean()) {
        String title = s.path("title").asText();
        out.printf(
            "[%d] %s (%s/%s, chunk %d)%n",
            s.path("number").asInt(),
            title.isEmpty() ? s.path("document_id").asText() : title,
            s.path("source").asText(),
            s.path("document_id").asText(),
            s.path("chunk_index").asInt());
      }
    }
  }

  private static int error(int status, JsonNode body) {
    String message = body.path("error").path("message").asText("HTTP " + status);
    System.err.println("rag ask: " + message);
    return 1;
  }
}
