package dev.rag.retrieve.config;

import dev.rag.retrieve.lexical.LexicalEncoder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The one lexical encoder, shared by indexing and querying so both weigh terms alike. */
public class LexicalEncoderProducer {

  @Produces
  @Singleton
  LexicalEncoder lexicalEncoder(RetrieveConfig config) {
    RetrieveConfig.Lexical l = config.lexical();
    return new LexicalEncoder(l.k1(), l.b(), l.averageLength());
  }
}
