package dev.rag.retrieve.client;

import dev.rag.embedding.Device;
import dev.rag.embedding.Embedder;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelSpec;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.EnsembleModel;
import dev.rag.retrieve.config.RetrieveConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The ensemble's second model ({@code retrieve.ensemble.model}), run in this process from the
 * build's catalogue: loaded in the background at startup, queries wait for it once. It runs on
 * threads of its own (one per core; the ONNX session takes concurrent calls), so a query is
 * embedded by both models at once and concurrent queries do not queue behind one thread.
 */
@ApplicationScoped
public class LocalEnsembleModel implements EnsembleModel {

  private static final Logger LOG = Logger.getLogger(LocalEnsembleModel.class);

  private final Optional<String> modelId;
  private final ExecutorService thread =
      Executors.newFixedThreadPool(
          Runtime.getRuntime().availableProcessors(),
          r -> {
            Thread t = new Thread(r, "ensemble-model");
            t.setDaemon(true);
            return t;
          });
  private final CompletableFuture<Embedder> model;

  @Inject
  LocalEnsembleModel(RetrieveConfig config) {
    this.modelId = config.ensemble().model().filter(m -> !m.isBlank());
    double weight = config.ensemble().weight();
    if (weight < 0 || weight > 1) {
      throw new IllegalArgumentException("retrieve.ensemble.weight must be in [0, 1]: " + weight);
    }
    if (modelId.isEmpty()) {
      model = CompletableFuture.failedFuture(new IllegalStateException("no ensemble model"));
      return;
    }
    ModelSpec spec;
    try {
      spec = ModelCatalog.get(modelId.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "retrieve.ensemble.model is "
              + modelId.get()
              + ", which this build does not carry; it carries "
              + ModelCatalog.all().stream().map(ModelSpec::id).toList(),
          e);
    }
    int threads = Math.max(1, config.queryEmbedding().threads());
    model =
        CompletableFuture.supplyAsync(
            () -> {
              Embedder e =
                  OnnxEmbedder.load(
                      spec, new OnnxEmbedder.Options(Device.CPU, threads, 0, 1, null));
              LOG.infof("Dense ensemble: queries are also searched in the %s index", spec.id());
              return e;
            },
            thread);
  }

  /** Touches the bean at startup, so that the model loads before the first query. */
  void onStart(@Observes StartupEvent event) {
    modelId.ifPresent(m -> LOG.debugf("Loading the ensemble model %s", m));
  }

  @Override
  public Optional<String> modelId() {
    return modelId;
  }

  @Override
  public CompletableFuture<float[]> embedAsync(String query) {
    return model.thenApplyAsync(
        m -> {
          try {
            return m.embed(List.of(query), TextKind.QUERY).get(0);
          } catch (RuntimeException e) {
            throw new CompletionException(
                new DependencyUnavailableException(
                    "the ensemble model " + modelId.orElse("") + " failed: " + e.getMessage(), e));
          }
        },
        thread);
  }

  @PreDestroy
  void close() {
    thread.shutdownNow();
    if (model.isDone() && !model.isCompletedExceptionally()) {
      model.join().close();
    }
  }
}
