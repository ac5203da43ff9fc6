package dev.rag.cli.reindex;

import dev.rag.embedding.ModelCatalog;
import picocli.CommandLine.Option;

/** The embedding model a reindex builds the index of. */
public class ModelOption {

  @Option(names = "--model", required = true, description = "the new model id")
  String model;

  @Option(
      names = "--remote",
      description =
          "the model is served by an OpenAI-compatible embeddings server (embed.backend=remote):"
              + " its id is the index's own name, not one of the built-in models")
  boolean remote;

  /**
   * The model id: one of the catalogue's, or with {@code --remote} any id an index can be named by.
   *
   * @throws IllegalArgumentException when it is neither
   */
  String model() {
    if (remote) {
      if (!ModelCatalog.isIndexName(model)) {
        throw new IllegalArgumentException(
            "--model '"
                + model
                + "' cannot name an index: use lower-case letters, digits, '.', '_' and '-'");
      }
      return model;
    }
    ModelCatalog.get(model);
    return model;
  }
}
