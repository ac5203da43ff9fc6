package dev.rag.cli.bench;

import picocli.CommandLine.Command;

/**
 * {@code rag bench retrieve|embed|chat|parse|scale}: benchmarks of the running services, figures
 * printed and never asserted. Each benchmark is a subcommand with only its own options; a new one
 * is a class added to {@code subcommands}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark a running service.",
    subcommands = {
      RetrieveBench.class,
      EmbedBench.class,
      ChatBench.class,
      ParseBench.class,
      ScaleBench.class
    })
public class BenchCommand {}
