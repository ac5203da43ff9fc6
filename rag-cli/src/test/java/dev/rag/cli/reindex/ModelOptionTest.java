package dev.rag.cli.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Which model ids a reindex takes: the built-in ones, or with --remote any id an index can be. */
class ModelOptionTest {

  private static ModelOption option(String model, boolean remote) {
    ModelOption option = new ModelOption();
    option.model = model;
    option.remote = remote;
    return option;
  }

  @Test
  void aBuiltInModelIsTakenAndAnUnknownOneOnlyWhenAServerServesIt() {
    assertThat(option("e5-small-v2-int8", false).model()).isEqualTo("e5-small-v2-int8");
    assertThatThrownBy(() -> option("tei-bge-base-en-v1.5", false).model())
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(option("tei-bge-base-en-v1.5", true).model()).isEqualTo("tei-bge-base-en-v1.5");
    assertThatThrownBy(() -> option("TEI/bge base", true).model())
        .hasMessageContaining("cannot name an index");
  }
}
