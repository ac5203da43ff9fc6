package dev.rag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.pipeline.KafkaClients;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Dead letters listed with their reasons and sent back once, on a real broker. */
class DlqCommandTest {

  private final KafkaBroker broker = KafkaBroker.shared();

  private String run(String action, String topic) throws Exception {
    DlqCommand command = new DlqCommand();
    command.action = action;
    command.topic = topic;
    command.limit = 20;
    command.kafka = KafkaClients.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(command.call()).isZero();
    } finally {
      System.setOut(out);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listsDeadLettersWithTheirReasonsAndRedrivesEachOnceWithoutTheirDeadLetterHeaders()
      throws Exception {
    String topic = "rag.dlq-test-" + UUID.randomUUID() + ".v1";
    broker.createTopics(1, List.of(topic, topic + ".dlq"));
    for (int i = 0; i < 3; i++) {
      TopicWriter.send(
          broker.bootstrapServers(),
          topic + ".dlq",
          "default/notes/doc-" + i,
          ("{\"id\":\"doc-" + i + "\"}").getBytes(StandardCharsets.UTF_8),
          Map.of(
              "content-type",
              "application/json",
              "dead-letter-reason",
              "quota: tenant 'default' is full",
              "dead-letter-topic",
              topic,
              "dead-letter-offset",
              Integer.toString(i)));
    }

    String listing = run("list", topic);
    assertThat(listing).contains("3 dead letters on " + topic + ".dlq");
    assertThat(listing).contains("default/notes/doc-2").contains("quota: tenant 'default' is full");

    assertThat(run("redrive", topic)).contains("Sent 3 dead letters back to " + topic);
    var back =
        TopicReader.await(broker.bootstrapServers(), topic, r -> true, 3, Duration.ofSeconds(30));
    assertThat(back).hasSize(3);
    assertThat(back.get(0).key()).isEqualTo("default/notes/doc-0");
    assertThat(back.get(0).headers().lastHeader("content-type")).isNotNull();
    assertThat(back.get(0).headers().lastHeader("dead-letter-reason")).isNull();

    // A second redrive has nothing new to send.
    assertThat(run("redrive", topic)).contains("Sent 0 dead letters back");
  }
}
