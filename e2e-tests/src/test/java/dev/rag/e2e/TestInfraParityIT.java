package dev.rag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import dev.rag.testsupport.TestInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two ways tests get their Kafka and Qdrant ({@link TestInfra}) give the same results: the
 * in-JVM broker and a broker container (Testcontainers, the local {@code rag/kafka} image) take the
 * same keyed records into the same partitions at the same offsets; the Qdrant binary and a Qdrant
 * container (the {@code rag/qdrant} image) return the same neighbours with the same scores, and the
 * container keeps its points across a kill and a start, as the process does.
 *
 * <p>Needs a Docker engine started as the README says; the images are built here when missing.
 */
class TestInfraParityIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void images() throws Exception {
    Path root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    Path log = Files.createTempFile("rag-images-", ".log");
    Process build =
        new ProcessBuilder(root.resolve("k8s/images/build.sh").toString(), "--if-stale", "local")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean done = build.waitFor(10, TimeUnit.MINUTES);
    if (!done) {
      build.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(done).as(out).isTrue();
    assertThat(build.exitValue()).as("k8s/images/build.sh local:\n" + out).isZero();
  }

  @Test
  void kafkaInTheJvmAndInAContainerKeepTheSameRecordsAtTheSameOffsets() throws Exception {
    try (KafkaBroker jvm = KafkaBroker.start(2);
        KafkaBroker container = KafkaBroker.startContainer(2)) {
      assertThat(records(container)).isEqualTo(records(jvm)).hasSize(60);
    }
  }

  @Test
  void qdrantAsAProcessAndInAContainerFindTheSameNeighbours() throws Exception {
    try (QdrantServer process = QdrantServer.start();
        QdrantServer container = QdrantServer.startContainer()) {
      List<List<String>> expected = neighbours(process);
      assertThat(neighbours(container)).isEqualTo(expected);
      assertThat(expected).hasSize(5).allSatisfy(hits -> assertThat(hits).hasSize(10));

      container.kill();
      container.relaunch();
      assertThat(
              JsonHttp.send(
                      null,
                      "POST",
                      container.httpUrl() + "/collections/parity/points/count",
                      Map.of("exact", true))
                  .body())
          .contains("\"count\":200");
      assertThat(container.storageDir()).isPresent();
    }
  }

  /** 60 keyed records written to a 2-partition topic, read back as partition/offset/key/value. */
  private static List<String> records(KafkaBroker broker) throws Exception {
    broker.createTopics(2, List.of("parity"));
    Properties producer = new Properties();
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> out = new KafkaProducer<>(producer)) {
      for (int i = 0; i < 60; i++) {
        out.send(new ProducerRecord<>("parity", "doc-" + (i % 7), "version " + i)).get();
      }
    }
    Properties consumer = new Properties();
    consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    consumer.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<String> seen = new ArrayList<>();
    try (KafkaConsumer<String, String> in = new KafkaConsumer<>(consumer)) {
      List<TopicPartition> partitions =
          List.of(new TopicPartition("parity", 0), new TopicPartition("parity", 1));
      in.assign(partitions);
      in.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = in.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (partitions.stream().anyMatch(p -> in.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : in.poll(Duration.ofMillis(500))) {
          seen.add(r.partition() + "/" + r.offset() + " " + r.key() + "=" + r.value());
        }
      }
    }
    seen.sort(null);
    return seen;
  }

  /** 200 seeded points in a new collection, then 5 seeded queries: ids and scores of the top 10. */
  private static List<List<String>> neighbours(QdrantServer qdrant) throws Exception {
    String collection = qdrant.httpUrl() + "/collections/parity";
    assertThat(
            JsonHttp.send(
                    null,
                    "PUT",
                    collection,
                    Map.of("vectors", Map.of("size", 16, "distance", "Cosine")))
                .statusCode())
        .isEqualTo(200);
    Random random = new Random(42);
    List<Map<String, Object>> points = new ArrayList<>();
    for (int id = 1; id <= 200; id++) {
      points.add(Map.of("id", id, "vector", vector(random), "payload", Map.of("n", id)));
    }
    assertThat(
            JsonHttp.send(null, "PUT", collection + "/points?wait=true", Map.of("points", points))
                .statusCode())
        .isEqualTo(200);
    List<List<String>> results = new ArrayList<>();
    for (int q = 0; q < 5; q++) {
      Map<String, Object> query = new HashMap<>();
      query.put("query", vector(random));
      query.put("limit", 10);
      JsonNode hits =
          JSON.readTree(JsonHttp.send(null, "POST", collection + "/points/query", query).body())
              .path("result")
              .path("points");
      List<String> found = new ArrayList<>();
      hits.forEach(
          h ->
              found.add(
                  h.path("id").asText()
                      + ":"
                      + String.format(Locale.ROOT, "%.6f", h.path("score").asDouble())));
      results.add(found);
    }
    return results;
  }

  private static List<Double> vector(Random random) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      v.add(random.nextGaussian());
    }
    return v;
  }
}
