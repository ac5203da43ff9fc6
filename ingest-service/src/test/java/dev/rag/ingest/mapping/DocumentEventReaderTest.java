package dev.rag.ingest.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.rag.common.Topics;
import dev.rag.ingest.DocumentValidator;
import dev.rag.ingest.IngestLimits;
import dev.rag.ingest.VersionedDocument;
import dev.rag.proto.v1.Document;
import dev.rag.proto.v1.DocumentEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON contract of rag.documents.v1 is what the published schema ({@code
 * docs/rag.documents.v1.schema.json}) says: each sample is accepted by the schema exactly when the
 * reader accepts it.
 */
class DocumentEventReaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCHEMA = Path.of("..", "docs", "rag.documents.v1.schema.json");

  /** The service's default limits (ingest.limits.*), which the schema publishes. */
  private static final DocumentValidator VALIDATOR =
      new DocumentValidator(new IngestLimits(8 << 20, 512, 1024, 64, 128, 4096));

  private static final DocumentEventReader READER = new DocumentEventReader(VALIDATOR, "default");

  private static Schema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(JSON.readTree(Files.readString(SCHEMA)));
  }

  static Stream<Arguments> samples() {
    String longId = "i".repeat(513);
    String longTitle = "t".repeat(1025);
    StringBuilder many = new StringBuilder("{\"id\":\"a\",\"text\":\"x\",\"metadata\":{");
    for (int i = 0; i < 65; i++) {
      many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    String tooManyMetadata = many.append("}}").toString();
    return Stream.of(
        valid("the schema's example", example()),
        valid("only id and text", "{'id':'a','text':'Some text.'}"),
        valid(
            "every field",
            "{'tenant':'acme','id':'n-1','source':'notes','title':'Notes','text':'<p>Hi</p>',"
                + "'contentType':'text/html','metadata':{'year':2024,'draft':true,'by':'Ada'}}"),
        valid("a null metadata value is left out", "{'id':'a','text':'x','metadata':{'k':null}}"),
        valid("optional fields set to null", "{'id':'a','text':'x','title':null,'source':null}"),
        valid("a blank tenant is the default one", "{'tenant':'','id':'a','text':'x'}"),
        valid(
            "Markdown by its other name", "{'id':'a','text':'x','contentType':'text/x-markdown'}"),
        valid(
            "a content type with parameters",
            "{'id':'a','text':'x','contentType':'text/plain; charset=utf-8'}"),
        valid("a content type in capitals", "{'id':'a','text':'x','contentType':'Text/HTML'}"),
        valid("a tab in the id", "{'id':'a\\tb','text':'x'}"),
        valid("64 metadata entries", tooManyMetadata.replace(",\"k64\":\"v\"", "")),
        invalid("not an object", "['a']"),
        invalid("no id", "{'text':'x'}"),
        invalid("no text", "{'id':'a'}"),
        invalid("an empty id", "{'id':'','text':'x'}"),
        invalid("a blank id", "{'id':'   ','text':'x'}"),
        invalid("an id over 512 characters", "{'id':'" + longId + "','text':'x'}"),
        invalid("a control character in the id", "{'id':'a\\u0001b','text':'x'}"),
        invalid("a line break in the id", "{'id':'a\\nb','text':'x'}"),
        invalid("an empty text", "{'id':'a','text':''}"),
        invalid("a blank text", "{'id':'a','text':'  \\n '}"),
        invalid("a text that is a number", "{'id':'a','text':42}"),
        invalid("an unknown field", "{'id':'a','text':'x','body':'y'}"),
        invalid("a source with a space inside", "{'id':'a','text':'x','source':'my notes'}"),
        invalid("a source starting with a dot", "{'id':'a','text':'x','source':'.hidden'}"),
        invalid(
            "a title over 1024 characters", "{'id':'a','text':'x','title':'" + longTitle + "'}"),
        invalid("a title that is a number", "{'id':'a','text':'x','title':7}"),
        invalid("a PDF content type", "{'id':'a','text':'x','contentType':'application/pdf'}"),
        invalid("metadata that is a list", "{'id':'a','text':'x','metadata':['a']}"),
        invalid("a nested metadata value", "{'id':'a','text':'x','metadata':{'k':{'n':1}}}"),
        invalid("a metadata list value", "{'id':'a','text':'x','metadata':{'k':[1]}}"),
        invalid("65 metadata entries", tooManyMetadata),
        invalid(
            "a metadata key over 128 characters",
            "{'id':'a','text':'x','metadata':{'" + "k".repeat(129) + "':'v'}}"),
        invalid("a blank metadata key", "{'id':'a','text':'x','metadata':{' ':'v'}}"),
        invalid(
            "a metadata value over 4096 characters",
            "{'id':'a','text':'x','metadata':{'k':'" + "v".repeat(4097) + "'}}"),
        invalid("a tenant that is a number", "{'tenant':3,'id':'a','text':'x'}"));
  }

  private static Arguments valid(String name, String json) {
    return Arguments.of(name, json.replace('\'', '"'), true);
  }

  private static Arguments invalid(String name, String json) {
    return Arguments.of(name, json.replace('\'', '"'), false);
  }

  private static String example() {
    try {
      return JSON.writeValueAsString(
          JSON.readTree(Files.readString(SCHEMA)).get("examples").get(0));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void theSchemaAndTheReaderAgreeOnEachSample(String name, String json, boolean valid)
      throws IOException {
    List<Error> errors = schema.validate(JSON.readTree(json));
    String refusal = refusal(json);
    assertThat(errors.isEmpty()).as("the schema on %s: %s", name, errors).isEqualTo(valid);
    assertThat(refusal == null).as("the reader on %s: %s", name, refusal).isEqualTo(valid);
  }

  /** Why the reader refuses the JSON value, or null when it accepts it. */
  private static String refusal(String json) throws IOException {
    String key = expectedKey(JSON.readTree(json));
    try {
      READER.read(key, Topics.JSON, json.getBytes(StandardCharsets.UTF_8), 1L, d -> false);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The key a producer gives the record: the document's tenant/source/id, defaults filled in. */
  private static String expectedKey(JsonNode node) {
    return Topics.documentKey(
        stringOr(node, "tenant", "default"),
        stringOr(node, "source", "default"),
        stringOr(node, "id", ""));
  }

  private static String stringOr(JsonNode node, String field, String otherwise) {
    JsonNode v = node.isObject() ? node.get(field) : null;
    return v == null || !v.isTextual() || v.asText().isBlank() ? otherwise : v.asText().strip();
  }

  @Test
  void readsAJsonDocumentAsAVersionOfTheDefaultTenant() {
    VersionedDocument doc =
        READER.read(
            "default/papers/paper-42",
            "application/json; charset=utf-8",
            example().getBytes(StandardCharsets.UTF_8),
            1234L,
            d -> false);
    assertThat(doc.tenant()).isEqualTo("default");
    assertThat(doc.contentType()).isEqualTo("text/markdown");
    assertThat(doc.metadata()).containsEntry("year", "2024");
    assertThat(doc.acceptedAtMillis()).isEqualTo(1234L);
  }

  @Test
  void refusesARecordWhoseKeyIsNotTheDocuments() {
    assertThatThrownBy(
            () ->
                READER.read(
                    "default/other/paper-42",
                    Topics.JSON,
                    example().getBytes(StandardCharsets.UTF_8),
                    1L,
                    d -> false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be tenant/source/id, i.e. 'default/papers/paper-42'");
  }

  @Test
  void refusesBytesThatAreNotUtf8() {
    assertThatThrownBy(
            () -> READER.read("k", Topics.JSON, new byte[] {'{', (byte) 0xC3, '}'}, 1L, d -> false))
        .hasMessageStartingWith("value is not valid UTF-8");
  }

  @Test
  void holdsAProtobufDocumentFromAnOutsideProducerToTheLimits() {
    DocumentEvent.Builder event =
        DocumentEvent.newBuilder()
            .setTenant("acme")
            .setDocument(Document.newBuilder().setId("a").setSource("s").setText("x"));
    for (int i = 0; i < 65; i++) {
      event.getDocumentBuilder().putMetadata("k" + i, "v");
    }
    byte[] value = event.build().toByteArray();
    assertThatThrownBy(() -> READER.read("acme/s/a", null, value, 1L, d -> false))
        .hasMessageStartingWith("metadata: metadata has more than 64 entries");
    // A version a door of the service accepted was checked there, and is not checked again.
    assertThat(READER.read("acme/s/a", null, value, 1L, d -> true).metadata()).hasSize(65);
  }

  @Test
  void refusesAnUnknownContentType() {
    assertThatThrownBy(() -> READER.read("k", "text/csv", new byte[] {1}, 1L, d -> false))
        .hasMessageContaining("content-type header 'text/csv' is not supported");
  }
}
