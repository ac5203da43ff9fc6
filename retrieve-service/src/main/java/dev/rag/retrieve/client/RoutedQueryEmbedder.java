package dev.rag.retrieve.client;

import dev.rag.embedding.Device;
import dev.rag.embedding.Embedder;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelSpec;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.QueryEmbedder;
import dev.rag.retrieve.client.RemoteEmbedder.ModelInfo;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.retrieve.config.RetrieveConfig.Placement;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Embeds queries with the model embed-service runs, in this process when that is allowed and proven
 * equal, over gRPC otherwise.
 *
 * <p>A query embedded here costs its inference alone (a few milliseconds for the small models on a
 * CPU); through embed-service it also pays two hops and waits behind whatever that service is
 * embedding for the index. The local copy is loaded in the background, and used only after its
 * vectors for a few probe queries have matched embed-service's: a different query instruction or
 * model build there keeps queries on embed-service. Which model is current is asked of
 * embed-service every 10 seconds ({@link #REFRESH}), off the query path; a reindex that switches
 * models is followed within that time, and until the new model is loaded here its queries go to
 * embed-service.
 */
@ApplicationScoped
public class RoutedQueryEmbedder implements QueryEmbedder {

  private static final Logger LOG = Logger.getLogger(RoutedQueryEmbedder.class);

  /** How long embed-service's answer to "which model" is trusted before asking again. */
  static final Duration REFRESH = Duration.ofSeconds(10);

  /** Queries embedded both here and by embed-service before the local model is trusted. */
  static final List<String> PROBES =
      List.of(
          "Does vitamin D supplementation reduce fracture risk in older adults?",
          "transformer attention complexity",
          "Quels sont les effets du sommeil sur la mémoire ?");

  /** Least cosine similarity between the two vectors of every probe. */
  static final double MIN_AGREEMENT = 0.999;

  private record Local(String modelId, Embedder model) {}

  private final RemoteEmbedder remote;
  private final Placement placement;
  private final Function<ModelSpec, Embedder> loader;
  private final long refreshNanos;
  private final ExecutorService background =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "query-model");
            t.setDaemon(true);
            return t;
          });

  private volatile ModelInfo known;
  private volatile long knownAt;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicBoolean preparing = new AtomicBoolean();
  private volatile Local local;

  /** Models that stay with embed-service, and why. */
  private final Map<String, String> refused = new ConcurrentHashMap<>();

  @Inject
  RoutedQueryEmbedder(EmbedClient remote, RetrieveConfig config) {
    this(
        remote,
        config.queryEmbedding().placement(),
        spec ->
            OnnxEmbedder.load(
                spec,
                new OnnxEmbedder.Options(
                    Device.CPU, Math.max(1, config.queryEmbedding().threads()), 0, 1, null)),
        REFRESH);
  }

  RoutedQueryEmbedder(
      RemoteEmbedder remote,
      Placement placement,
      Function<ModelSpec, Embedder> loader,
      Duration refresh) {
    this.remote = remote;
    this.placement = placement;
    this.loader = loader;
    this.refreshNanos = refresh.toNanos();
  }

  /** Learns embed-service's model at startup, so the local copy is ready before the first query. */
  void onStart(@Observes StartupEvent event) {
    background.execute(
        () -> {
          try {
            model();
          } catch (DependencyUnavailableException e) {
            LOG.debugf("embed-service not reachable yet: %s", e.getMessage());
          }
        });
  }

  @Override
  public String currentModel() {
    return model().modelId();
  }

  @Override
  @WithSpan("query embedding")
  public QueryVector embedQuery(String query) {
    ModelInfo model = model();
    Local l = local;
    if (l != null && l.modelId().equals(model.modelId())) {
      try {
        return new QueryVector(l.modelId(), l.model().embed(List.of(query), TextKind.QUERY).get(0));
      } catch (RuntimeException e) {
        LOG.warnf(e, "The query model in this process failed; queries go to embed-service");
        drop(l, "it failed: " + e.getMessage());
      }
    }
    QueryVector v = remote.embed(query);
    if (!v.modelId().equals(model.modelId())) {
      // embed-service was restarted on another model: ask which at the next query.
      knownAt = System.nanoTime() - refreshNanos - 1;
    }
    return v;
  }

  /** Whether queries for the current model are embedded in this process. */
  boolean embedsLocally() {
    Local l = local;
    ModelInfo m = known;
    return l != null && m != null && l.modelId().equals(m.modelId());
  }

  /** Why a model's queries stay with embed-service, or null. */
  String refusal(String modelId) {
    return refused.get(modelId);
  }

  /**
   * embed-service's model: asked on the caller's thread only the first time, then refreshed in the
   * background when older than the refresh interval.
   */
  private ModelInfo model() {
    ModelInfo m = known;
    if (m == null) {
      m = remote.info();
      learned(m);
      return m;
    }
    if (System.nanoTime() - knownAt > refreshNanos && refreshing.compareAndSet(false, true)) {
      inBackground(
          refreshing,
          () -> {
            try {
              learned(remote.info());
            } catch (DependencyUnavailableException e) {
              // Keep the last answer; ask again after the interval.
              knownAt = System.nanoTime();
              LOG.debugf("embed-service did not say its model: %s", e.getMessage());
            } finally {
              refreshing.set(false);
            }
          });
    }
    return m;
  }

  private void learned(ModelInfo m) {
    known = m;
    knownAt = System.nanoTime();
    if (placement == Placement.REMOTE || refused.containsKey(m.modelId())) {
      return;
    }
    Local l = local;
    if ((l == null || !l.modelId().equals(m.modelId())) && preparing.compareAndSet(false, true)) {
      inBackground(
          preparing,
          () -> {
            try {
              prepare(m);
            } finally {
              preparing.set(false);
            }
          });
    }
  }

  /** Runs a task on the background thread; when shutting down, clears its flag instead. */
  private void inBackground(AtomicBoolean flag, Runnable task) {
    try {
      background.execute(task);
    } catch (RejectedExecutionException e) {
      flag.set(false);
    }
  }

  /** Loads embed-service's model here and checks it agrees; runs on the background thread. */
  private void prepare(ModelInfo m) {
    if (placement == Placement.AUTO && !"cpu".equals(m.device())) {
      refuse(m.modelId(), "embed-service runs it on " + m.device());
      return;
    }
    ModelSpec spec;
    try {
      spec = ModelCatalog.get(m.modelId());
    } catch (IllegalArgumentException e) {
      refuse(m.modelId(), "this build does not carry it");
      return;
    }
    Embedder model;
    try {
      model = loader.apply(spec);
    } catch (RuntimeException e) {
      refuse(m.modelId(), "it could not be loaded here: " + e.getMessage());
      return;
    }
    double agreement;
    try {
      agreement = agreement(model);
    } catch (DependencyUnavailableException e) {
      // embed-service went away meanwhile: try again at the next refresh.
      model.close();
      LOG.debugf("Could not compare query vectors with embed-service: %s", e.getMessage());
      return;
    } catch (RuntimeException e) {
      model.close();
      refuse(m.modelId(), "it failed on a probe query: " + e.getMessage());
      return;
    }
    if (agreement < MIN_AGREEMENT) {
      model.close();
      refuse(
          m.modelId(),
          String.format(
              "its vectors differ from embed-service's (cosine %.4f; does embed-service set a query"
                  + " instruction of its own?)",
              agreement));
      return;
    }
    Local old = local;
    local = new Local(m.modelId(), model);
    if (old != null) {
      old.model().close();
    }
    LOG.infof(
        "Queries for %s are embedded in this process (equal to embed-service's: least cosine"
            + " %.6f over %d probes)",
        m.modelId(), agreement, PROBES.size());
  }

  /** The least cosine similarity between this model's and embed-service's probe vectors. */
  private double agreement(Embedder model) {
    double least = 1;
    for (String probe : PROBES) {
      QueryVector theirs = remote.embed(probe);
      if (!theirs.modelId().equals(model.modelId())) {
        return -1;
      }
      float[] ours = model.embed(List.of(probe), TextKind.QUERY).get(0);
      least = Math.min(least, cosine(ours, theirs.vector()));
    }
    return least;
  }

  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      return -1;
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  private void drop(Local l, String reason) {
    refuse(l.modelId(), reason);
    if (local == l) {
      local = null;
    }
    // Closing waits for inferences still running on it.
    try {
      background.execute(() -> l.model().close());
    } catch (RejectedExecutionException e) {
      l.model().close();
    }
  }

  private void refuse(String modelId, String reason) {
    if (refused.putIfAbsent(modelId, reason) == null) {
      if (placement == Placement.LOCAL) {
        LOG.warnf(
            "Queries for %s go to embed-service although placement is local: %s", modelId, reason);
      } else {
        LOG.infof("Queries for %s are embedded by embed-service: %s", modelId, reason);
      }
    }
  }

  @PreDestroy
  void close() {
    background.shutdownNow();
    Local l = local;
    local = null;
    if (l != null) {
      l.model().close();
    }
  }
}
