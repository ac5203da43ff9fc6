package dev.rag.cli.reindex;

import dev.rag.embedding.ModelCatalog;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/** The embedding model a reindex builds the index of. */
public class ModelOption {

  /** What an index's model id may be (embed-service's rule for a remote model's id). */
  static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

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
      if (!MODEL_ID.matcher(model).matches()) {
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
