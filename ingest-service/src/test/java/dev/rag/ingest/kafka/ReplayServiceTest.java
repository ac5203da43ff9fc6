package dev.rag.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.rag.common.TopicProvisioner;
import dev.rag.common.Topics;
import dev.rag.ingest.client.EmbedClient;
import dev.rag.pipeline.KafkaClients;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.TopicWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replays on a real broker: one at a time, never into the live model, forgotten when done. */
class ReplayServiceTest {

  private static String bootstrap() {
    return KafkaBroker.shared().bootstrapServers();
  }

  private static KafkaClients clients() {
    return KafkaClients.of(Map.of("bootstrap.servers", bootstrap()));
  }

  @BeforeAll
  static void aDocumentOnTheTopic() {
    TopicProvisioner.ensurePipelineTopics(bootstrap(), 2);
    TopicWriter.send(
        bootstrap(),
        Topics.DOCUMENTS,
        "default/replay/" + UUID.randomUUID(),
        "{}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSecondReplayWaitsForTheFirstAndAFinishedOneIsForgotten() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch reading = new CountDownLatch(1);
    ReplayService replays =
        new ReplayService(
            (record, model) -> {
              reading.countDown();
              try {
                held.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            () -> "live-model",
            Duration.ZERO,
            clients());
    ReplayService.Replay first = replays.start("next-model");
    reading.await();
    assertThatThrownBy(() -> replays.start("other-model"))
        .isInstanceOfSatisfying(
            ReplayService.RefusedException.class, e -> assertThat(e.conflict()).isTrue())
        .hasMessageContaining("is running; one runs at a time");

    held.countDown();
    String id = (String) first.view().get("id");
    // Done, then forgotten at once (retention zero): its id is unknown from then on.
    await().atMost(Duration.ofSeconds(60)).until(() -> replays.get(id).isEmpty());
    assertThat(replays.start("other-model").view().get("state")).isNotNull();
  }

  @Test
  void theLiveModelIsRefusedAndSoIsEveryModelWhileTheLiveOneIsUnknown() {
    ReplayService replays =
        new ReplayService(
            (record, model) -> {}, () -> "live-model", Duration.ofHours(1), clients());
    assertThatThrownBy(() -> replays.start("live-model"))
        .isInstanceOfSatisfying(
            ReplayService.RefusedException.class, e -> assertThat(e.conflict()).isTrue())
        .hasMessageContaining("live pipeline");

    ReplayService blind =
        new ReplayService(
            (record, model) -> {},
            () -> {
              throw new EmbedClient.UnavailableException("embed-service is down", null);
            },
            Duration.ofHours(1),
            clients());
    assertThatThrownBy(() -> blind.start("next-model"))
        .isInstanceOfSatisfying(
            ReplayService.RefusedException.class, e -> assertThat(e.conflict()).isFalse())
        .hasMessageContaining("embed-service is down");
  }
}
