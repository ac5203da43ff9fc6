package dev.rag.embed.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Configuration of embed-service, under {@code embed.*}. */
@ConfigMapping(prefix = "embed")
public interface EmbedConfig {

  /** Model id; {@code bge-small-en-v1.5-int8} is the one shipped. */
  @WithDefault("bge-small-en-v1.5-int8")
  String model();

  /** Text put before each query; empty by default (bge's instruction lowers SciFact nDCG@10). */
  Optional<String> queryInstruction();

  /** Limits of one gRPC Embed request. */
  Limits limits();

  /** Topic provisioning. */
  Topics topics();

  /** Limits of one gRPC Embed request. */
  interface Limits {
    /** Most texts per request. */
    @WithDefault("64")
    int maxTexts();

    /** Longest text in characters; longer texts are refused, not silently cut. */
    @WithDefault("8192")
    int maxTextChars();
  }

  /** Topic provisioning. */
  interface Topics {
    /** Create missing topics at startup. */
    @WithDefault("true")
    boolean create();

    /** Partitions of topics this service creates. */
    @WithDefault("6")
    int partitions();
  }
}
