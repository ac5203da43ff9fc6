package dev.rag.cli.reindex;

import dev.rag.embedding.ModelCatalog;
import picocli.CommandLine.Option;

/** The embedding model a reindex builds the index of. */
public class ModelOption {

  @Option(names = "--model", required = true, description = "the new model id")
  String model;

  /** The model id, refused when the catalogue has no such model. */
  String model() {
    ModelCatalog.get(model);
    return model;
  }
}
