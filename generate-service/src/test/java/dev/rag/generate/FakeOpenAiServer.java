package dev.rag.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A language-model server under the test's control, speaking OpenAI's streaming chat-completions
 * protocol on 127.0.0.1. The test steers it over HTTP ({@code POST /control} with a mode and the
 * pieces to stream, {@code GET /control} for the requests it received), so it works whichever class
 * loader the test and the application live in.
 *
 * <p>Modes: {@code stream} sends the pieces then stops; {@code fail} answers 500; {@code stall}
 * sends the pieces then goes silent until the test releases it ({@code POST /control/release}, the
 * next {@code POST /control}, or closing the server), however long that takes; {@code cut} sends
 * the pieces then closes the stream without saying the answer is finished (no {@code
 * finish_reason}, no {@code [DONE]}), as a server that dies midway does; {@code fenced-reader}
 * sends the pieces unless an instruction appears outside the prompt's source fences, which it then
 * obeys. A request whose system message asks for a stand-alone query gets the {@code rewrite} text
 * instead.
 */
final class FakeOpenAiServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private volatile JsonNode control =
      JSON.valueToTree(Map.of("mode", "stream", "pieces", List.of("Nothing", " to", " say.")));
  // Stalled answers wait on it; replaced (and the old one opened) by each release.
  private volatile CountDownLatch stalls = new CountDownLatch(1);

  private FakeOpenAiServer(HttpServer server) {
    this.server = server;
  }

  static FakeOpenAiServer start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      FakeOpenAiServer fake = new FakeOpenAiServer(server);
      server.createContext("/v1/chat/completions", fake::complete);
      server.createContext("/control/release", fake::release);
      server.createContext("/control", fake::control);
      server.setExecutor(
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "fake-llm");
                t.setDaemon(true);
                return t;
              }));
      server.start();
      return fake;
    } catch (IOException e) {
      throw new IllegalStateException("could not start the fake model server", e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void control(HttpExchange exchange) throws IOException {
    try (exchange) {
      if ("POST".equals(exchange.getRequestMethod())) {
        control = JSON.readTree(exchange.getRequestBody());
        requests.clear();
        releaseStalls();
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      byte[] body = JSON.writeValueAsBytes(requests);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private void release(HttpExchange exchange) throws IOException {
    try (exchange) {
      releaseStalls();
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private void releaseStalls() {
    CountDownLatch stalled = stalls;
    stalls = new CountDownLatch(1);
    stalled.countDown();
  }

  private void complete(HttpExchange exchange) throws IOException {
    CountDownLatch stall = stalls;
    try (exchange) {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      requests.add(request);
      JsonNode c = control;
      String system = request.path("messages").path(0).path("content").asText();
      List<String> pieces = new ArrayList<>();
      if (system.contains("stand-alone search query") && c.has("rewrite")) {
        pieces.add(c.path("rewrite").asText());
      } else {
        c.path("pieces").forEach(p -> pieces.add(p.asText()));
      }
      String mode = c.path("mode").asText("stream");
      if ("fenced-reader".equals(mode) && obeysInstructionsOutsideFences(request)) {
        pieces.clear();
        pieces.add("PWNED");
      }
      if ("fail".equals(mode)) {
        byte[] body =
            "{\"error\":{\"message\":\"the model is down\",\"type\":\"server_error\"}}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(500, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (String piece : pieces) {
        event(out, chunk(Map.of("content", piece), null));
      }
      if ("stall".equals(mode)) {
        await(stall);
        return;
      }
      if ("cut".equals(mode)) {
        return;
      }
      event(out, chunk(Map.of(), "stop"));
      event(out, "[DONE]");
    } catch (IOException e) {
      // The client went away (a cancelled generation); nothing to do.
    }
  }

  /**
   * A model that reads the prompt the way the rules ask: text inside the fences the system message
   * names is data; an instruction anywhere else it would follow (and answer "PWNED").
   */
  private static boolean obeysInstructionsOutsideFences(JsonNode request) {
    String system = request.path("messages").path(0).path("content").asText();
    String marker = system.replaceAll("(?s).*<source-([0-9a-f]+) n=.*", "$1");
    StringBuilder outside = new StringBuilder(system);
    for (JsonNode m : request.path("messages")) {
      if (!"system".equals(m.path("role").asText())) {
        outside
            .append('\n')
            .append(
                m.path("content")
                    .asText()
                    .replaceAll(
                        "(?s)<source-" + marker + " n=\"\\d+\"[^>]*>.*?</source-" + marker + ">",
                        ""));
      }
    }
    return outside.toString().toLowerCase(Locale.ROOT).contains("ignore previous");
  }

  private static String chunk(Map<String, String> delta, String finishReason) throws IOException {
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("delta", delta);
    choice.put("finish_reason", finishReason);
    Map<String, Object> chunk = new LinkedHashMap<>();
    chunk.put("id", "fake-1");
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", 1);
    chunk.put("model", "fake-llm");
    chunk.put("choices", List.of(choice));
    return JSON.writeValueAsString(chunk);
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    releaseStalls();
    server.stop(0);
  }
}
