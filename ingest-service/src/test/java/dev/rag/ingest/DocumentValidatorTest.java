package dev.rag.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentValidatorTest {

  private final DocumentValidator validator =
      new DocumentValidator(new IngestLimits(1000, 20, 50, 3, 10, 20));

  private static DocumentSubmission doc(String id, String text) {
    return new DocumentSubmission(id, null, "T", text, null, Map.of());
  }

  @Test
  void appliesDefaultsAndNormalisesText() {
    VersionedDocument d =
        validator.validate("t1", doc(" a ", "line one  \r\nline\u0000 two\n\n\n\nend"), 5L);

    assertThat(d.id()).isEqualTo("a");
    assertThat(d.source()).isEqualTo("default");
    assertThat(d.contentType()).isEqualTo("text/plain");
    assertThat(d.text()).isEqualTo("line one\nline two\n\nend");
    assertThat(d.key()).isEqualTo("t1/default/a");
    assertThat(d.acceptedAtMillis()).isEqualTo(5L);
  }

  @Test
  void givesTheSameContentTheSameVersionAndChangedContentANewOne() {
    String v1 = validator.validate("t", doc("a", "hello"), 1).version();
    String v1again = validator.validate("t", doc("a", "hello"), 2).version();
    String v2 = validator.validate("t", doc("a", "hello!"), 3).version();

    assertThat(v1).hasSize(24).isEqualTo(v1again).isNotEqualTo(v2);
  }

  @Test
  void namesTheFieldInError() {
    assertThatThrownBy(() -> validator.validate("t", doc("", "x"), 0))
        .isInstanceOf(InvalidDocumentException.class)
        .extracting(e -> ((InvalidDocumentException) e).field())
        .isEqualTo("id");
    assertThatThrownBy(() -> validator.validate("t", doc("a", "  \n "), 0))
        .extracting(e -> ((InvalidDocumentException) e).field())
        .isEqualTo("text");
    assertThatThrownBy(() -> validator.validate("t", doc("a", "x".repeat(1001)), 0))
        .hasMessageContaining("over the limit of 1000 bytes")
        .extracting(e -> ((InvalidDocumentException) e).field())
        .isEqualTo("text");
    assertThatThrownBy(
            () ->
                validator.validate(
                    "t", new DocumentSubmission("a", null, null, "x", "application/pdf", null), 0))
        .extracting(e -> ((InvalidDocumentException) e).field())
        .isEqualTo("contentType");
    assertThatThrownBy(
            () ->
                validator.validate(
                    "t", new DocumentSubmission("a", "bad source!", null, "x", null, null), 0))
        .extracting(e -> ((InvalidDocumentException) e).field())
        .isEqualTo("source");
    assertThatThrownBy(
            () ->
                validator.validate(
                    "t",
                    new DocumentSubmission("a", null, null, "x", null, Map.of("k", "v".repeat(21))),
                    0))
        .extracting(e -> ((InvalidDocumentException) e).field())
        .isEqualTo("metadata.k");
  }

  @Test
  void countsTheLimitInUtf8Bytes() {
    // 400 three-byte characters are 1200 bytes: over a 1000-byte limit though only 400 chars.
    assertThatThrownBy(() -> validator.validate("t", doc("a", "\u20ac".repeat(400)), 0))
        .isInstanceOf(InvalidDocumentException.class);
  }
}
