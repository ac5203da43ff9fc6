package dev.rag.cli.key;

import picocli.CommandLine.Command;

/** {@code rag key new|ensure}: API keys, made with rag-common's {@code ApiKeys}. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Make API keys.",
    subcommands = {NewKeyCommand.class, EnsureKeysCommand.class})
public class KeyCommand {}
