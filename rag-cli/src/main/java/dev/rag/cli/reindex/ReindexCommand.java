package dev.rag.cli.reindex;

import picocli.CommandLine.Command;

/**
 * The Java steps of {@code ./rag reindex --model ID} (the script starts and stops the processes):
 * {@code prepare} before the new model's embed-service starts, {@code catch-up} once it runs.
 */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = "Build the index of another embedding model.",
    subcommands = {PrepareCommand.class, CatchUpCommand.class})
public class ReindexCommand {}
