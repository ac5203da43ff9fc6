package dev.rag.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.ChunksEvent;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.proto.v1.InputKind;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.TopicReader;
import dev.rag.testsupport.TopicWriter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaResource.class)
class EmbedPipelineTest {

  @GrpcClient("embed")
  Embed grpc;

  private static String bootstrap() {
    return KafkaBroker.shared().bootstrapServers();
  }

  private static void produce(String key, byte[] value) {
    TopicWriter.send(bootstrap(), Topics.CHUNKS, key, value);
  }

  private static List<EmbeddingsEvent> embeddingsOf(String key, int count) {
    return TopicReader.awaitValues(
        bootstrap(),
        Topics.EMBEDDINGS,
        key,
        count,
        Duration.ofSeconds(60),
        EmbeddingsEvent::parseFrom);
  }

  @Test
  void embedsEveryChunkOfAnEventAndKeepsItsHeader() throws Exception {
    String id = "doc-" + UUID.randomUUID();
    String key = Topics.documentKey("t1", "papers", id);
    DocumentHeader header =
        DocumentHeader.newBuilder()
            .setTenant("t1")
            .setSource("papers")
            .setDocumentId(id)
            .setVersion("v1")
            .setTitle("Title")
            .setSequence(42)
            .build();
    ChunksEvent event =
        ChunksEvent.newBuilder()
            .setHeader(header)
            .addChunks(
                Chunk.newBuilder()
                    .setIndex(0)
                    .setText("First chunk.")
                    .setEmbeddingText("Title\n\nFirst chunk."))
            .addChunks(Chunk.newBuilder().setIndex(1).setText("Second chunk."))
            .setPart(0)
            .setPartCount(1)
            .setTotalChunks(2)
            .build();
    produce(key, event.toByteArray());
    produce(
        key,
        ChunksEvent.newBuilder()
            .setHeader(header)
            .setDeleted(true)
            .setPartCount(1)
            .build()
            .toByteArray());

    List<EmbeddingsEvent> out = embeddingsOf(key, 2);
    assertThat(out).hasSize(2);
    EmbeddingsEvent embedded = out.get(0);
    assertThat(embedded.getHeader()).isEqualTo(header);
    assertThat(embedded.getModelId()).isEqualTo("bge-small-en-v1.5-int8");
    assertThat(embedded.getDimension()).isEqualTo(384);
    assertThat(embedded.getTotalChunks()).isEqualTo(2);
    assertThat(embedded.getChunksList())
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.getVectorCount()).isEqualTo(384));
    assertThat(embedded.getChunks(1).getChunk().getText()).isEqualTo("Second chunk.");
    assertThat(out.get(1).getDeleted()).isTrue();
    assertThat(out.get(1).getChunksCount()).isZero();

    // The version's status says this stage embedded it, for the record it came from.
    List<DocumentStatus> statuses =
        TopicReader.awaitValues(
            KafkaBroker.shared().bootstrapServers(),
            Topics.STATUS,
            key,
            1,
            Duration.ofSeconds(30),
            DocumentStatus::parseFrom);
    assertThat(statuses).hasSize(1);
    assertThat(statuses.get(0).getStage()).isEqualTo("embed");
    assertThat(statuses.get(0).getState()).isEqualTo(DocumentState.DOCUMENT_STATE_EMBEDDED);
    assertThat(statuses.get(0).getSequence()).isEqualTo(42);
  }

  @Test
  void passesByEventsReplayedForAnotherModel() throws Exception {
    String id = "doc-" + UUID.randomUUID();
    String key = Topics.documentKey("t1", "papers", id);
    DocumentHeader header =
        DocumentHeader.newBuilder()
            .setTenant("t1")
            .setSource("papers")
            .setDocumentId(id)
            .setVersion("v1")
            .build();
    ChunksEvent.Builder event =
        ChunksEvent.newBuilder()
            .setHeader(header)
            .setPartCount(1)
            .setTotalChunks(1)
            .addChunks(Chunk.newBuilder().setIndex(0).setText("For another model."));
    TopicWriter.send(
        bootstrap(),
        Topics.CHUNKS,
        key,
        event.build().toByteArray(),
        Map.of(Topics.TARGET_MODEL_HEADER, "e5-small-v2-int8"));
    TopicWriter.send(
        bootstrap(),
        Topics.CHUNKS,
        key,
        event
            .setChunks(0, Chunk.newBuilder().setIndex(0).setText("For this model."))
            .build()
            .toByteArray(),
        Map.of(Topics.TARGET_MODEL_HEADER, "bge-small-en-v1.5-int8"));
    produce(
        key,
        event.setChunks(0, Chunk.newBuilder().setIndex(0).setText("Live.")).build().toByteArray());

    // A last event behind them: once it is embedded, the pipeline has read every one before it
    // (one key, one partition, read in order), so whatever the others became is on the topic.
    produce(
        key,
        event.setChunks(0, Chunk.newBuilder().setIndex(0).setText("Last.")).build().toByteArray());

    List<EmbeddingsEvent> out = embeddingsOf(key, 3);
    assertThat(out)
        .extracting(e -> e.getChunks(0).getChunk().getText())
        .containsExactly("For this model.", "Live.", "Last.");
    assertThat(TopicReader.readToEnd(bootstrap(), Topics.EMBEDDINGS, r -> key.equals(r.key())))
        .as("embeddings of the key, the event for another model passed by")
        .hasSize(3);
  }

  @Test
  void sendsUnreadableChunkEventsToTheDeadLetterTopic() throws Exception {
    String key = "t1/papers/poison-" + UUID.randomUUID();
    produce(key, "{not protobuf".getBytes(StandardCharsets.UTF_8));

    List<ConsumerRecord<String, byte[]>> dead =
        TopicReader.await(
            bootstrap(),
            Topics.deadLetter(Topics.CHUNKS),
            r -> key.equals(r.key()),
            1,
            Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    assertThat(TopicReader.deadLetterReason(dead.get(0)))
        .contains("not a protobuf rag.v1.ChunksEvent");
  }

  @Test
  void embedsQueriesOverGrpc() {
    EmbedResponse response =
        grpc.embed(
                EmbedRequest.newBuilder()
                    .addTexts("what is kafka?")
                    .setKind(InputKind.INPUT_KIND_QUERY)
                    .build())
            .await()
            .atMost(Duration.ofSeconds(30));

    assertThat(response.getModelId()).isEqualTo("bge-small-en-v1.5-int8");
    assertThat(response.getVectorsList()).hasSize(1);
    assertThat(response.getVectors(0).getValuesCount()).isEqualTo(384);
  }

  @Test
  void refusesAnEmptyOrOversizedEmbedRequest() {
    assertThatThrownBy(
            () ->
                grpc.embed(EmbedRequest.getDefaultInstance())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith("texts:");
              // The field in error, in the details every service attaches.
              com.google.rpc.Status details = StatusProto.fromThrowable(e);
              assertThat(details).isNotNull();
              assertThat(details.getDetailsList())
                  .anySatisfy(
                      d -> {
                        try {
                          assertThat(d.unpack(BadRequest.class).getFieldViolations(0).getField())
                              .isEqualTo("texts");
                        } catch (InvalidProtocolBufferException x) {
                          throw new AssertionError(x);
                        }
                      });
            });
    assertThatThrownBy(
            () ->
                grpc.embed(EmbedRequest.newBuilder().addTexts("x".repeat(8193)).build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).startsWith("texts[0]:"));
  }
}
