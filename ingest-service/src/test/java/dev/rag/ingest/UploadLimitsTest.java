package dev.rag.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.rag.common.Topics;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

/**
 * Every limit on an upload, each set low here and broken on purpose: the answer names the limit,
 * nothing of the file is published, and memory stays bounded (the body is never held whole).
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@TestProfile(UploadLimitsTest.LowLimits.class)
class UploadLimitsTest {

  /** Limits low enough to break with small files. */
  public static class LowLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "ingest.limits.max-file-bytes", Integer.toString(1 << 20),
          "ingest.limits.max-text-file-bytes", Integer.toString(64 << 10),
          "ingest.limits.max-documents-per-file", "50",
          "ingest.limits.max-html-elements", "500",
          "ingest.limits.pdf.max-pages", "3",
          "ingest.limits.pdf.max-stream-bytes", Integer.toString(1 << 20),
          // Every PDF text extraction is past its deadline at once: the limit, made certain.
          "ingest.limits.pdf.timeout", "0s",
          "ingest.limits.parses.max-concurrent-per-key", "1",
          "ingest.limits.max-chunks-per-document", "5");
    }
  }

  @TestHTTPResource("/v1/files")
  URL files;

  private static String bootstrap() {
    return KafkaBroker.shared().bootstrapServers();
  }

  @Test
  void theLimitsAndFormatsAreToldBeforeAnyUpload() {
    given()
        .get("/v1/files/limits")
        .then()
        .statusCode(200)
        .body("maxFileBytes", equalTo(1 << 20))
        .body("maxTextFileBytes", equalTo(64 << 10))
        .body("formats.find { it.format == 'pdf' }.extensions", hasItem("pdf"))
        .body("formats.find { it.format == 'markdown' }.contentType", equalTo("text/markdown"))
        .body("formats.format", hasItem("paper-listing"));
  }

  @Test
  void aFileDeclaredOverTheLimitIsRefusedBeforeItsBodyIsRead() {
    given()
        .contentType("application/pdf")
        .queryParam("name", "big.pdf")
        .body(new byte[(1 << 20) + 1])
        .post("/v1/files")
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:rag:problem:file-too-large"))
        .body("detail", containsString("ingest.limits.max-file-bytes"));
  }

  @Test
  void aStreamedFileWithoutALengthIsCutAtTheLimit() throws Exception {
    // No Content-Length: the body arrives in chunks and is counted as it is stored.
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(files + "?name=streamed.pdf"))
                    .header("Content-Type", "application/pdf")
                    .POST(
                        HttpRequest.BodyPublishers.ofInputStream(
                            () -> new ByteArrayInputStream(new byte[3 << 20])))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("ingest.limits.max-file-bytes");
  }

  @Test
  void aTextFileOverTheLimitForFormatsReadWholeIsRefused() {
    given()
        .contentType("text/markdown")
        .queryParam("name", "long.md")
        .body("word ".repeat(14 << 10))
        .post("/v1/files")
        .then()
        .statusCode(413)
        .body("detail", containsString("ingest.limits.max-text-file-bytes"));
  }

  @Test
  void aJsonLinesFileWithMoreRecordsThanAllowedIsRefusedWhole() {
    String source = "many-" + UUID.randomUUID();
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 51; i++) {
      jsonl.append("{\"_id\":\"d").append(i).append("\",\"text\":\"Record ").append(i);
      jsonl.append(".\"}\n");
    }
    given()
        .contentType("application/jsonl")
        .queryParam("name", "many.jsonl")
        .queryParam("source", source)
        .body(jsonl.toString().getBytes(StandardCharsets.UTF_8))
        .post("/v1/files")
        .then()
        .statusCode(413)
        .body("detail", containsString("51 records"))
        .body("detail", containsString("ingest.limits.max-documents-per-file"));
    // Refused before any document was handed on: none has a status.
    given().queryParam("source", source).get("/v1/documents/d0").then().statusCode(404);
  }

  @Test
  void aJsonLinesFileWithinTheLimitIsReadLineByLine() {
    String source = "few-" + UUID.randomUUID();
    StringBuilder jsonl = new StringBuilder("\uFEFF");
    // 49 records, blank lines between them, and a broken 50th: within the limit of 50.
    for (int i = 0; i < 49; i++) {
      jsonl.append("{\"_id\":\"d").append(i).append("\",\"text\":\"Record ").append(i);
      jsonl.append(".\"}\n\n");
    }
    jsonl.append("{\"_id\":\"broken\"");
    given()
        .contentType("application/jsonl")
        .queryParam("name", "few.jsonl")
        .queryParam("source", source)
        .body(jsonl.toString().getBytes(StandardCharsets.UTF_8))
        .post("/v1/files")
        .then()
        .statusCode(202)
        .body("documents.size()", equalTo(49))
        .body("errors.size()", equalTo(1))
        .body("errors[0].where", equalTo("line 99"));
  }

  @Test
  void aPageWithMoreElementsThanAllowedIsRefusedAtUploadAndFromKafka() {
    String page = "<html><body>" + "<p>x</p>".repeat(600) + "</body></html>";
    given()
        .contentType("text/html")
        .queryParam("name", "many.html")
        .body(page)
        .post("/v1/files")
        .then()
        .statusCode(422)
        .body("type", equalTo("urn:rag:problem:file-over-limit"))
        .body("detail", containsString("ingest.limits.max-html-elements"));

    // The same page produced to the documents topic: parsed by the shared consumer, so bounded
    // there too; it fails with the reason and the consumer goes on.
    String source = "html-" + UUID.randomUUID();
    String key = "default/" + source + "/page";
    String json =
        "{\"id\":\"page\",\"source\":\""
            + source
            + "\",\"contentType\":\"text/html\",\"text\":\""
            + page.replace("\"", "\\\"")
            + "\"}";
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        key,
        json.getBytes(StandardCharsets.UTF_8),
        Map.of(Topics.CONTENT_TYPE_HEADER, Topics.JSON));
    var dead =
        TopicReader.await(
            bootstrap(),
            Topics.DOCUMENTS + ".dlq",
            r -> key.equals(r.key()),
            1,
            Duration.ofSeconds(60));
    assertThat(dead).hasSize(1);
    assertThat(TopicReader.deadLetterReason(dead.get(0))).contains("max-html-elements");
    StatusWaits.awaitFailed(source, "page", containsString("max-html-elements"));
  }

  @Test
  void aDocumentThatMakesMoreChunksThanAllowedFailsWithTheLimitNamed() {
    String source = "chunks-" + UUID.randomUUID();
    // Punctuation costs a token a character: a few kilobytes make many full chunks.
    given()
        .contentType("text/plain")
        .queryParam("name", "dots.txt")
        .queryParam("source", source)
        .body("#".repeat(8 * 384))
        .post("/v1/files")
        .then()
        .statusCode(202);
    StatusWaits.awaitFailed(
        source, "dots.txt", containsString("ingest.limits.max-chunks-per-document"));
  }

  @Test
  void aPdfWithMorePagesThanAllowedIsRefused() throws IOException {
    given()
        .contentType("application/pdf")
        .queryParam("name", "long.pdf")
        .body(pdf(4, 0))
        .post("/v1/files")
        .then()
        .statusCode(422)
        .body("detail", containsString("4 pages"))
        .body("detail", containsString("ingest.limits.pdf.max-pages"));
  }

  @Test
  void aPdfStreamThatDecodesPastTheLimitIsRefusedBeforeItIsRead() throws IOException {
    // Two megabytes of drawing operators compress to a few kilobytes.
    byte[] bomb = pdf(1, 2 << 20);
    assertThat(bomb.length).isLessThan(64 << 10);
    given()
        .contentType("application/pdf")
        .queryParam("name", "bomb.pdf")
        .body(bomb)
        .post("/v1/files")
        .then()
        .statusCode(422)
        .body("detail", containsString("ingest.limits.pdf.max-stream-bytes"));
  }

  @Test
  void aPdfWhoseTextTakesLongerThanAllowedIsRefused() throws IOException {
    given()
        .contentType("application/pdf")
        .queryParam("name", "slow.pdf")
        .body(pdf(1, 0))
        .post("/v1/files")
        .then()
        .statusCode(422)
        .body("detail", containsString("ingest.limits.pdf.timeout"));
  }

  @Test
  void aSecondUploadOfTheSameKeyWhileTheFirstIsUnderWayIsAskedToRetry() throws Exception {
    // The first upload announces a body and sends only part of it: it holds the key's permit
    // until the rest arrives.
    Set<Path> spooledBefore = spooledUploads();
    try (Socket slow = new Socket(files.getHost(), files.getPort())) {
      OutputStream out = slow.getOutputStream();
      out.write(
          ("POST /v1/files?name=slow.txt HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: text/plain\r\nContent-Length: 20\r\n\r\nhalf of it")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // It holds the permit once it is being stored (its temporary file exists): only then is the
      // second one sent, which must not take the permit first.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> spooledUploads().stream().anyMatch(f -> !spooledBefore.contains(f)));
      // The same key is refused, with a reason and Retry-After.
      given()
          .contentType("text/plain")
          .queryParam("name", "second.txt")
          .body("The second file.")
          .post("/v1/files")
          .then()
          .statusCode(429)
          .header("Retry-After", "1")
          .body("detail", containsString("max-concurrent-per-key"));
      out.write(" and rest.".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readAnswer(slow.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 202");
    }
    // And once it is done, the key may upload again.
    given()
        .contentType("text/plain")
        .queryParam("name", "third.txt")
        .body("The third file.")
        .post("/v1/files")
        .then()
        .statusCode(202);
  }

  /** The uploads being stored now: FileResource spools each body to a temporary file. */
  private static Set<Path> spooledUploads() throws IOException {
    try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return entries
          .filter(f -> f.getFileName().toString().startsWith("rag-upload-"))
          .collect(Collectors.toSet());
    }
  }

  private static String readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
      answer.write(buffer, 0, n);
      if (answer.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
        break;
      }
    }
    return answer.toString(StandardCharsets.UTF_8);
  }

  /**
   * A PDF of {@code pages} pages with a line of text each; with {@code drawingBytes} > 0 the first
   * page also carries that many bytes of drawing operators in one Flate-compressed stream.
   */
  private static byte[] pdf(int pages, int drawingBytes) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      for (int i = 0; i < pages; i++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
          content.beginText();
          content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
          content.newLineAtOffset(72, 700);
          content.showText("Page " + (i + 1) + " of a test document.");
          content.endText();
        }
        if (i == 0 && drawingBytes > 0) {
          byte[] drawing =
              "0 0 m 1 1 l S\n".repeat(drawingBytes / 14 + 1).getBytes(StandardCharsets.US_ASCII);
          PDStream stream =
              new PDStream(doc, new ByteArrayInputStream(drawing), COSName.FLATE_DECODE);
          page.setContents(List.of(page.getContentStreams().next(), stream));
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }
}
