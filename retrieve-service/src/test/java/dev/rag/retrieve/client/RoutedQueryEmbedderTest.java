package dev.rag.retrieve.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rag.embedding.Device;
import dev.rag.embedding.Embedder;
import dev.rag.embedding.ModelCatalog;
import dev.rag.embedding.ModelSpec;
import dev.rag.embedding.OnnxEmbedder;
import dev.rag.embedding.TextKind;
import dev.rag.retrieve.DependencyUnavailableException;
import dev.rag.retrieve.QueryEmbedder.QueryVector;
import dev.rag.retrieve.config.RetrieveConfig.Placement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where queries are embedded, with the real bge-small model on both sides: embed-service is played
 * by a second copy of the model behind {@link RemoteEmbedder}, so that agreement, refusals and
 * fallbacks are decided on real vectors.
 */
class RoutedQueryEmbedderTest {

  private static final ModelSpec BGE = ModelCatalog.BGE_SMALL_EN_V15;
  private static final String QUERY = "Do statins lower the risk of dementia?";

  private static OnnxEmbedder service;

  @BeforeAll
  static void loadServiceModel() {
    service = OnnxEmbedder.load(BGE, new OnnxEmbedder.Options(Device.CPU, 1, 0, 1, null));
  }

  @AfterAll
  static void closeServiceModel() {
    service.close();
  }

  /** embed-service as the router sees it, counting its calls. */
  static final class FakeEmbedService implements RemoteEmbedder {
    volatile String modelId = BGE.id();
    volatile String device = "cpu";
    volatile String prefix = "";
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger embeds = new AtomicInteger();
    final AtomicInteger infos = new AtomicInteger();

    @Override
    public ModelInfo info() {
      infos.incrementAndGet();
      if (down.get()) {
        throw new DependencyUnavailableException("embed-service is down", null);
      }
      return new ModelInfo(modelId, BGE.dimension(), device);
    }

    @Override
    public QueryVector embed(String query) {
      embeds.incrementAndGet();
      if (down.get()) {
        throw new DependencyUnavailableException("embed-service is down", null);
      }
      return new QueryVector(
          modelId, service.embed(List.of(prefix + query), TextKind.QUERY).get(0));
    }
  }

  /** The local model, counting loads, able to fail on demand. */
  static final class CountingLoader implements Function<ModelSpec, Embedder> {
    final AtomicInteger loads = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public Embedder apply(ModelSpec spec) {
      loads.incrementAndGet();
      OnnxEmbedder model =
          OnnxEmbedder.load(spec, new OnnxEmbedder.Options(Device.CPU, 1, 0, 1, null));
      return new Embedder() {
        @Override
        public String modelId() {
          return model.modelId();
        }

        @Override
        public int dimension() {
          return model.dimension();
        }

        @Override
        public List<float[]> embed(List<String> texts, TextKind kind) {
          if (failing.get()) {
            throw new IllegalStateException("inference failed");
          }
          return model.embed(texts, kind);
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          model.close();
        }
      };
    }
  }

  private final FakeEmbedService remote = new FakeEmbedService();
  private final CountingLoader loader = new CountingLoader();
  private RoutedQueryEmbedder router;

  private RoutedQueryEmbedder router(Placement placement, Duration refresh) {
    router = new RoutedQueryEmbedder(remote, placement, loader, refresh);
    return router;
  }

  @AfterEach
  void close() {
    if (router != null) {
      router.close();
    }
  }

  @Test
  void embedsInThisProcessOnceItsVectorsMatchEmbedService() {
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofHours(1));

    // Until the local copy is ready, queries go to embed-service.
    QueryVector first = r.embedQuery(QUERY);
    assertThat(first.modelId()).isEqualTo(BGE.id());
    await().atMost(Duration.ofSeconds(60)).until(r::embedsLocally);
    assertThat(loader.loads).hasValue(1);

    int before = remote.embeds.get();
    QueryVector local = r.embedQuery(QUERY);
    assertThat(remote.embeds).as("no call to embed-service once local").hasValue(before);
    assertThat(local.modelId()).isEqualTo(BGE.id());
    assertThat(RoutedQueryEmbedder.cosine(local.vector(), first.vector())).isGreaterThan(0.9999);
    assertThat(r.currentModel()).isEqualTo(BGE.id());
    assertThat(remote.infos).as("the model asked once, not per query").hasValue(1);
  }

  @Test
  void keepsQueriesOnEmbedServiceWhenItRunsOnAGpu() {
    remote.device = "cuda";
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMinutes(1));

    r.embedQuery(QUERY);
    await().atMost(Duration.ofSeconds(60)).until(() -> r.refusal(BGE.id()) != null);
    assertThat(r.refusal(BGE.id())).contains("cuda");
    assertThat(loader.loads).hasValue(0);
    int before = remote.embeds.get();
    r.embedQuery(QUERY);
    assertThat(remote.embeds).hasValue(before + 1);
  }

  @Test
  void placementLocalRunsTheModelHereEvenWhenEmbedServiceHasAGpu() {
    remote.device = "cuda";
    RoutedQueryEmbedder r = router(Placement.LOCAL, Duration.ofMinutes(1));

    r.currentModel();
    await().atMost(Duration.ofSeconds(60)).until(r::embedsLocally);
  }

  @Test
  void placementRemoteNeverLoadsTheModel() {
    // Asks embed-service's model again at every query: each answer is a chance to load it.
    RoutedQueryEmbedder r = router(Placement.REMOTE, Duration.ofNanos(1));

    AtomicInteger queries = new AtomicInteger();
    // The background thread runs its tasks in turn: once it has asked twice more, a load handed to
    // it after any of the answers before would have run.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              r.embedQuery(QUERY + queries.incrementAndGet());
              return remote.infos.get() >= 3;
            });
    assertThat(loader.loads).hasValue(0);
    assertThat(remote.embeds).hasValue(queries.get());
    assertThat(r.embedsLocally()).isFalse();
  }

  @Test
  void vectorsThatDifferFromEmbedServicesKeepQueriesThere() {
    // embed-service configured with a query instruction of its own: same model, other vectors.
    remote.prefix = ModelCatalog.BGE_QUERY_INSTRUCTION;
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMinutes(1));

    r.embedQuery(QUERY);
    await().atMost(Duration.ofSeconds(60)).until(() -> r.refusal(BGE.id()) != null);
    assertThat(r.refusal(BGE.id())).contains("differ");
    assertThat(r.embedsLocally()).isFalse();
    assertThat(loader.closed).as("the refused copy is freed").hasValue(1);
    int before = remote.embeds.get();
    r.embedQuery(QUERY);
    assertThat(remote.embeds).hasValue(before + 1);
  }

  @Test
  void aModelThisBuildDoesNotCarryStaysWithEmbedService() {
    remote.modelId = "someone-elses-model";
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMinutes(1));

    assertThat(r.embedQuery(QUERY).modelId()).isEqualTo("someone-elses-model");
    await().atMost(Duration.ofSeconds(60)).until(() -> r.refusal("someone-elses-model") != null);
    assertThat(r.refusal("someone-elses-model")).contains("does not carry");
    assertThat(loader.loads).hasValue(0);
  }

  @Test
  void aFailingLocalModelHandsQueriesBackToEmbedService() {
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMinutes(1));
    r.currentModel();
    await().atMost(Duration.ofSeconds(60)).until(r::embedsLocally);

    loader.failing.set(true);
    int before = remote.embeds.get();
    QueryVector v = r.embedQuery(QUERY);
    assertThat(v.vector()).hasSize(BGE.dimension());
    assertThat(remote.embeds).hasValue(before + 1);
    assertThat(r.embedsLocally()).isFalse();
    assertThat(r.refusal(BGE.id())).contains("inference failed");
    await().atMost(Duration.ofSeconds(60)).until(() -> loader.closed.get() == 1);
  }

  @Test
  void answersQueriesWhileEmbedServiceIsDownOnceTheModelIsHere() {
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMillis(50));
    r.currentModel();
    await().atMost(Duration.ofSeconds(60)).until(r::embedsLocally);

    remote.down.set(true);
    int asked = remote.infos.get();
    AtomicInteger queries = new AtomicInteger();
    // Queries keep being answered here while the model is asked about in the background, in vain,
    // again and again.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              assertThat(r.embedQuery(QUERY + queries.incrementAndGet()).vector())
                  .hasSize(BGE.dimension());
              return remote.infos.get() >= asked + 2;
            });
    assertThat(r.embedsLocally()).isTrue();
  }

  @Test
  void followsEmbedServiceToAnotherModel() {
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMillis(50));
    r.currentModel();
    await().atMost(Duration.ofSeconds(60)).until(r::embedsLocally);

    // A reindex restarted embed-service on a model this build does not have.
    remote.modelId = "someone-elses-model";
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> r.embedQuery(QUERY).modelId().equals("someone-elses-model"));
    assertThat(r.currentModel()).isEqualTo("someone-elses-model");
    assertThat(r.embedsLocally()).isFalse();
  }

  @Test
  void withoutEmbedServiceTheFirstQueryFailsClearly() {
    remote.down.set(true);
    RoutedQueryEmbedder r = router(Placement.AUTO, Duration.ofMinutes(1));

    Assertions.assertThatThrownBy(() -> r.embedQuery(QUERY))
        .isInstanceOf(DependencyUnavailableException.class);
  }
}
