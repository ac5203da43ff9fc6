package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class PointIdsTest {

  @Test
  void followsRfc4122VersionFive() {
    // The DNS namespace example every UUIDv5 implementation agrees on.
    UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    assertThat(PointIds.v5(dns, "python.org"))
        .isEqualTo(UUID.fromString("886313e1-3b8a-5372-9b90-0c9aee199e5d"));
  }

  @Test
  void isStableAndDistinguishesEveryPart() {
    UUID id = PointIds.of("t", "s", "d", "v1", 0, "m");
    assertThat(PointIds.of("t", "s", "d", "v1", 0, "m")).isEqualTo(id);
    assertThat(id.version()).isEqualTo(5);
    assertThat(PointIds.of("t", "s", "d", "v1", 1, "m")).isNotEqualTo(id);
    assertThat(PointIds.of("t", "s", "d", "v2", 0, "m")).isNotEqualTo(id);
    assertThat(PointIds.of("t2", "s", "d", "v1", 0, "m")).isNotEqualTo(id);
    assertThat(PointIds.of("t", "s", "d", "v1", 0, "m2")).isNotEqualTo(id);
    // Separators cannot be forged by ids that contain them.
    assertThat(PointIds.of("a", "b/c", "d", "v", 0, "m"))
        .isNotEqualTo(PointIds.of("a/b", "c", "d", "v", 0, "m"));
  }
}
