package dev.rag.ingest;

import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelTokenizer;
import dev.rag.ingest.config.IngestConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The token counter chunk budgets are measured with: the embedding model's own tokenizer. */
public class TokenCounters {

  private static final Logger LOG = Logger.getLogger(TokenCounters.class);

  /** Counter backed by a model tokenizer, closed with the application. */
  record ModelCounter(ModelTokenizer tokenizer) implements TokenCounter {
    @Override
    public int count(String text) {
      return tokenizer.count(text);
    }
  }

  @Produces
  @Singleton
  TokenCounter counter(IngestConfig config) {
    String model = config.chunking().tokenizer();
    if (model.equals("approximate")) {
      LOG.info("Chunk budgets are counted with the approximate word counter");
      return TokenCounter.approximate();
    }
    return new ModelCounter(ModelTokenizer.load(ModelCatalog.get(model)));
  }

  void close(@Disposes TokenCounter counter) {
    if (counter instanceof ModelCounter m) {
      m.tokenizer().close();
    }
  }
}
