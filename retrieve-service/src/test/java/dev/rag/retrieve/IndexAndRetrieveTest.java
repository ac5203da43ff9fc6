package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.rag.common.Topics;
import dev.rag.proto.v1.Chunk;
import dev.rag.proto.v1.DocumentHeader;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.DocumentStatus;
import dev.rag.proto.v1.EmbeddedChunk;
import dev.rag.proto.v1.EmbeddingsEvent;
import dev.rag.proto.v1.EnsembleOptions;
import dev.rag.proto.v1.GetDocumentRequest;
import dev.rag.proto.v1.GetDocumentResponse;
import dev.rag.proto.v1.LexicalOptions;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.retrieve.model.Passage;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.ConsumerGroups;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import dev.rag.testsupport.QdrantServer;
import dev.rag.testsupport.TopicReader;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
@WithTestResource(ServiceKeyResource.class)
class IndexAndRetrieveTest {

  private static KafkaProducer<String, byte[]> producer;

  @GrpcClient("retrieve")
  Retrieve grpc;

  @Inject QdrantPassageRepository repository;

  @BeforeAll
  static void connect() {
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", KafkaBroker.shared().bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void disconnect() {
    producer.close();
  }

  private static String tenant() {
    return "t-" + UUID.randomUUID();
  }

  private static RecordMetadata publish(EmbeddingsEvent event) throws Exception {
    DocumentHeader h = event.getHeader();
    return producer
        .send(
            new ProducerRecord<>(
                Topics.EMBEDDINGS,
                Topics.documentKey(h.getTenant(), h.getSource(), h.getDocumentId()),
                event.toByteArray()))
        .get();
  }

  /** Waits until retrieve-service has processed the record (committed past it). */
  private static void awaitProcessed(RecordMetadata record) {
    ConsumerGroups.awaitProcessed(
        KafkaBroker.shared().bootstrapServers(),
        "retrieve-service",
        record,
        Duration.ofSeconds(60));
  }

  static EmbeddingsEvent event(
      String tenant,
      String source,
      String id,
      String version,
      int part,
      int parts,
      String... texts) {
    EmbeddingsEvent.Builder b =
        EmbeddingsEvent.newBuilder()
            .setHeader(
                DocumentHeader.newBuilder()
                    .setTenant(tenant)
                    .setSource(source)
                    .setDocumentId(id)
                    .setVersion(version)
                    .setTitle("Title of " + id)
                    .putMetadata("year", "2024"))
            .setModelId(HashingQueryEmbedder.MODEL)
            .setDimension(HashingQueryEmbedder.DIMENSION)
            .setPart(part)
            .setPartCount(parts);
    for (int i = 0; i < texts.length; i++) {
      EmbeddedChunk.Builder c =
          EmbeddedChunk.newBuilder()
              .setChunk(
                  Chunk.newBuilder()
                      .setIndex(part * 100 + i)
                      .setText(texts[i])
                      .setSection("Intro"));
      for (float x : HashingQueryEmbedder.vector(texts[i])) {
        c.addVector(x);
      }
      b.addChunks(c);
    }
    return b.build();
  }

  private RetrieveResponse retrieve(String tenant, String query, String... sources) {
    return retrieve(RetrievalMode.RETRIEVAL_MODE_FULL, tenant, query, sources);
  }

  private RetrieveResponse retrieve(
      RetrievalMode mode, String tenant, String query, String... sources) {
    return grpc.retrieve(
            RetrieveRequest.newBuilder()
                .setTenant(tenant)
                .setQuery(query)
                .setTopK(5)
                .setMode(mode)
                .addAllSources(List.of(sources))
                .build())
        .await()
        .atMost(Duration.ofSeconds(30));
  }

  @Test
  void findsIndexedPassagesWithTheirProvenance() throws Exception {
    String tenant = tenant();
    publish(
        event(
            tenant,
            "papers",
            "kafka",
            "v1",
            0,
            1,
            "Kafka brokers store partitions of topics.",
            "Consumers commit offsets."));
    publish(
        event(
            tenant,
            "papers",
            "qdrant",
            "v1",
            0,
            1,
            "Qdrant stores vectors with payloads for filtering."));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "qdrant") == 1
                    && repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "kafka")
                        == 2);
    RetrieveResponse response = retrieve(tenant, "which system stores vectors and payloads?");

    assertThat(response.getModelId()).isEqualTo(HashingQueryEmbedder.MODEL);
    assertThat(response.getPassagesList()).hasSize(3);
    var top = response.getPassages(0);
    assertThat(top.getDocumentId()).isEqualTo("qdrant");
    assertThat(top.getTenant()).isEqualTo(tenant);
    assertThat(top.getSource()).isEqualTo("papers");
    assertThat(top.getVersion()).isEqualTo("v1");
    assertThat(top.getTitle()).isEqualTo("Title of qdrant");
    assertThat(top.getSection()).isEqualTo("Intro");
    assertThat(top.getText()).isEqualTo("Qdrant stores vectors with payloads for filtering.");
    assertThat(top.getMetadataMap()).containsEntry("year", "2024");
    assertThat(top.getScores().getDense()).isPositive();
    assertThat(top.getScores().getSparse()).isPositive();
    assertThat(top.getScores().getFinal())
        .isGreaterThan(response.getPassages(1).getScores().getFinal());
    assertThat(top.getPointId())
        .isEqualTo(
            PointIds.of(tenant, "papers", "qdrant", "v1", 0, HashingQueryEmbedder.MODEL)
                .toString());
  }

  @Test
  void keepsTheOldVersionUntilTheNewOneIsCompleteThenRemovesIt() throws Exception {
    String tenant = tenant();
    publish(event(tenant, "notes", "doc", "v1", 0, 1, "old one", "old two", "old three"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "doc") == 3);

    publish(event(tenant, "notes", "doc", "v2", 0, 2, "new first part"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "doc") == 4);
    assertThat(retrieve(RetrievalMode.RETRIEVAL_MODE_DENSE, tenant, "old two").getPassagesList())
        .extracting(p -> p.getVersion())
        .contains("v1", "v2");

    publish(event(tenant, "notes", "doc", "v2", 1, 2, "new second part"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "doc") == 2);
    assertThat(retrieve(tenant, "old two").getPassagesList())
        .extracting(p -> p.getVersion())
        .containsOnly("v2");
  }

  @Test
  void indexesARedeliveredEventOnceAndRemovesADeletedDocument() throws Exception {
    String tenant = tenant();
    EmbeddingsEvent e = event(tenant, "notes", "twice", "v1", 0, 1, "alpha", "beta");
    publish(e);
    RecordMetadata again = publish(e);
    publish(event(tenant, "notes", "other", "v1", 0, 1, "gamma"));
    // The copy leaves nothing new to see: wait until the service has processed it.
    awaitProcessed(again);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "other") == 1);
    assertThat(repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "twice"))
        .isEqualTo(2);

    publish(
        EmbeddingsEvent.newBuilder()
            .setHeader(e.getHeader())
            .setDeleted(true)
            .setPartCount(1)
            .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "twice") == 0);
    assertThat(repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "other"))
        .isEqualTo(1);
  }

  @Test
  void keepsThePagesOfAPassageFromAPagedDocument() throws Exception {
    String tenant = tenant();
    EmbeddingsEvent.Builder paged = event(tenant, "papers", "paged", "v1", 0, 1).toBuilder();
    String text = "Lighthouse keepers trimmed the wicks every four hours.";
    EmbeddedChunk.Builder chunk =
        EmbeddedChunk.newBuilder()
            .setChunk(Chunk.newBuilder().setIndex(0).setText(text).setPageStart(7).setPageEnd(8));
    for (float x : HashingQueryEmbedder.vector(text)) {
      chunk.addVector(x);
    }
    publish(paged.addChunks(chunk).build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "paged") == 1);

    var passage = retrieve(tenant, "lighthouse keepers wicks").getPassages(0);
    assertThat(passage.getPageStart()).isEqualTo(7);
    assertThat(passage.getPageEnd()).isEqualTo(8);
  }

  @Test
  void keepsEachModelsVectorsApartAndDeletesFromAll() throws Exception {
    String tenant = tenant();
    String otherModel = "other-model-8";
    publish(event(tenant, "notes", "both", "v1", 0, 1, "written for two models"));
    EmbeddingsEvent.Builder other =
        event(tenant, "notes", "both", "v1", 0, 1).toBuilder()
            .setModelId(otherModel)
            .setDimension(8);
    other.addChunks(
        EmbeddedChunk.newBuilder()
            .setChunk(Chunk.newBuilder().setIndex(0).setText("written for two models"))
            .addAllVector(List.of(1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f)));
    publish(other.build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "both") == 1
                    && repository.countPoints(otherModel, tenant, "notes", "both") == 1);

    // Queries use the model the embed service serves now; the other index is left alone.
    RetrieveResponse response =
        retrieve(RetrievalMode.RETRIEVAL_MODE_DENSE, tenant, "written for two models");
    assertThat(response.getModelId()).isEqualTo(HashingQueryEmbedder.MODEL);
    assertThat(response.getPassagesList()).hasSize(1);

    publish(
        EmbeddingsEvent.newBuilder()
            .setHeader(other.getHeader())
            .setDeleted(true)
            .setPartCount(1)
            .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "notes", "both") == 0
                    && repository.countPoints(otherModel, tenant, "notes", "both") == 0);
  }

  @Test
  void searchesASourceThisInstanceJustIndexedWhenAskedForAllSources() throws Exception {
    String tenant = tenant();
    publish(event(tenant, "papers", "first", "v1", 0, 1, "Graphene conducts heat very well."));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, tenant, "papers", "first") == 1);
    // Searching every source lists the tenant's sources (and keeps the list a while).
    assertThat(retrieve(tenant, "graphene heat").getPassagesList())
        .extracting(p -> p.getSource())
        .containsExactly("papers");

    // Processed, not merely stored: the service notes the new source once its write returns.
    awaitProcessed(
        publish(event(tenant, "notes", "second", "v1", 0, 1, "Axolotls regrow their limbs.")));

    // At once, not after the list's lifetime: the new source is among those searched.
    assertThat(repository.sources(tenant, HashingQueryEmbedder.MODEL))
        .containsExactly("notes", "papers");
    RetrieveResponse response = retrieve(tenant, "axolotls regrow limbs");
    assertThat(response.getPassages(0).getDocumentId()).isEqualTo("second");
    assertThat(response.getPassages(0).getSource()).isEqualTo("notes");
  }

  @Test
  void aNewCollectionKeepsItsLargestIndexesInMappedFiles() throws Exception {
    String tenant = tenant();
    String model = "mapped-model-8";
    EmbeddingsEvent.Builder event =
        event(tenant, "notes", "mapped", "v1", 0, 1).toBuilder().setModelId(model).setDimension(8);
    event.addChunks(
        EmbeddedChunk.newBuilder()
            .setChunk(Chunk.newBuilder().setIndex(0).setText("a passage of a mapped index"))
            .addAllVector(List.of(0f, 0f, 1f, 0f, 0f, 0f, 0f, 0f)));
    publish(event.build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.countPoints(model, tenant, "notes", "mapped") == 1);

    var info =
        HttpRequest.newBuilder(
                URI.create(
                    QdrantServer.shared().httpUrl()
                        + "/collections/"
                        + repository.collection(model)))
            .build();
    var result =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                HttpClient.newHttpClient().send(info, HttpResponse.BodyHandlers.ofString()).body())
            .path("result");
    // The defaults (retrieve.qdrant.index.payload-on-disk and sparse-on-disk): every payload index
    // but the tenant's, and the lexical inverted index, are memory-mapped.
    var schema = result.path("payload_schema");
    for (String field : List.of("terms", "document_id", "version", "source", "chunk_index")) {
      assertThat(schema.path(field).path("params").path("on_disk").asBoolean())
          .as(field + " in " + schema)
          .isTrue();
    }
    assertThat(schema.path("tenant").path("params").path("is_tenant").asBoolean()).isTrue();
    assertThat(schema.path("tenant").path("params").path("on_disk").asBoolean()).isFalse();
    assertThat(result.at("/config/params/sparse_vectors/lexical/index/on_disk").asBoolean())
        .as(result.path("config").toString())
        .isTrue();
  }

  @Test
  void aCollectionDeletedBehindItsBackIsEmptyToQueriesAndMadeAgainByIndexing() throws Exception {
    String tenant = tenant();
    String model = "vanishing-model-8";
    float[] vector = {0, 1, 0, 0, 0, 0, 0, 0};
    EmbeddingsEvent.Builder event =
        event(tenant, "notes", "kept", "v1", 0, 1).toBuilder().setModelId(model).setDimension(8);
    event.addChunks(
        EmbeddedChunk.newBuilder()
            .setChunk(Chunk.newBuilder().setIndex(0).setText("a passage of a vanishing index"))
            .addAllVector(List.of(0f, 1f, 0f, 0f, 0f, 0f, 0f, 0f)));
    publish(event.build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.countPoints(model, tenant, "notes", "kept") == 1);
    var scopes = List.of(new PassageRepository.SearchScope("all", List.of()));
    var query = new PassageRepository.QueryVectors(model, vector, null);
    assertThat(repository.search(tenant, scopes, PassageFilter.NONE, query, 5).get(0).dense())
        .hasSize(1);

    var delete =
        HttpRequest.newBuilder(
                URI.create(
                    QdrantServer.shared().httpUrl()
                        + "/collections/"
                        + repository.collection(model)))
            .DELETE()
            .build();
    assertThat(
            HttpClient.newHttpClient()
                .send(delete, HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);

    // Queries find nothing rather than fail...
    assertThat(repository.search(tenant, scopes, PassageFilter.NONE, query, 5).get(0).dense())
        .isEmpty();
    assertThat(repository.sources(tenant, model)).isEmpty();
    // ...and the next event makes the collection again instead of being dead-lettered.
    publish(event.setHeader(event.getHeader().toBuilder().setVersion("v2")).build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.countPoints(model, tenant, "notes", "kept") == 1);
    assertThat(repository.search(tenant, scopes, PassageFilter.NONE, query, 5).get(0).dense())
        .extracting(Passage::documentId)
        .containsExactly("kept");
  }

  @Test
  void neverReturnsAnotherTenantsPassagesAndFiltersBySource() throws Exception {
    String a = tenant();
    String b = tenant();
    publish(event(a, "papers", "secret", "v1", 0, 1, "the launch code is hidden in the vault"));
    publish(event(b, "papers", "public", "v1", 0, 1, "the vault is a bank"));
    publish(event(b, "web", "page", "v1", 0, 1, "a vault page on the web"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                repository.countPoints(HashingQueryEmbedder.MODEL, b, "web", "page") == 1
                    && repository.countPoints(HashingQueryEmbedder.MODEL, b, "papers", "public")
                        == 1
                    && repository.countPoints(HashingQueryEmbedder.MODEL, a, "papers", "secret")
                        == 1);

    assertThat(retrieve(b, "launch code vault").getPassagesList())
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.getTenant()).isEqualTo(b));
    assertThat(retrieve(b, "vault", "web").getPassagesList())
        .extracting(p -> p.getDocumentId())
        .containsExactly("page");
    assertThat(retrieve(tenant(), "vault").getPassagesList()).isEmpty();
  }

  @Test
  void readsADocumentsPassagesInChunkOrderForItsTenantOnly() throws Exception {
    String a = tenant();
    // Two parts, the second published first: the read orders by chunk, not by arrival.
    publish(event(a, "papers", "long", "v1", 1, 2, "Part two, first chunk.", "Part two, second."));
    publish(event(a, "papers", "long", "v1", 0, 2, "Part one, first chunk.", "Part one, second."));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> repository.countPoints(HashingQueryEmbedder.MODEL, a, "papers", "long") == 4);

    GetDocumentResponse document = getDocument(a, "papers", "long", 0);
    assertThat(document.getModelId()).isEqualTo(HashingQueryEmbedder.MODEL);
    assertThat(document.getPassagesList())
        .extracting(p -> p.getChunkIndex())
        .containsExactly(0, 1, 100, 101);
    assertThat(document.getPassages(0).getText()).isEqualTo("Part one, first chunk.");
    assertThat(document.getPassages(0).getTitle()).isEqualTo("Title of long");
    assertThat(getDocument(a, "papers", "long", 2).getPassagesCount()).isEqualTo(2);
    // Another tenant, another source, another id: nothing.
    assertThat(getDocument(tenant(), "papers", "long", 0).getPassagesList()).isEmpty();
    assertThat(getDocument(a, "web", "long", 0).getPassagesList()).isEmpty();
    assertThatThrownBy(() -> getDocument(a, "papers", "", 0))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("document_id");
    assertThatThrownBy(() -> getDocument(a, "papers", "long", 5000))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("limit");
  }

  private GetDocumentResponse getDocument(String tenant, String source, String id, int limit) {
    return grpc.getDocument(
            GetDocumentRequest.newBuilder()
                .setTenant(tenant)
                .setSource(source)
                .setDocumentId(id)
                .setLimit(limit)
                .build())
        .await()
        .atMost(Duration.ofSeconds(30));
  }

  @Test
  void sendsAnEventThatCanNeverBeIndexedToTheDeadLetterTopic() throws Exception {
    String tenant = tenant();
    EmbeddingsEvent bad =
        event(tenant, "notes", "bad", "v1", 0, 1, "text").toBuilder().setDimension(7).build();
    publish(bad);
    String key = Topics.documentKey(tenant, "notes", "bad");
    var dead =
        TopicReader.await(
            KafkaBroker.shared().bootstrapServers(),
            Topics.deadLetter(Topics.EMBEDDINGS),
            r -> key.equals(r.key()),
            1,
            Duration.ofSeconds(30));
    // Delivery is at least once: a rebalance may hand the event to a second consumer, which
    // dead-letters it again; every copy says why.
    assertThat(dead)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(TopicReader.deadLetterReason(r)).contains("expected 7"));
    // ...and the document's status says why, for whoever waits for it to be indexed.
    var failed =
        TopicReader.await(
            KafkaBroker.shared().bootstrapServers(),
            Topics.STATUS,
            r -> key.equals(r.key()) && failedStatus(r.value()),
            1,
            Duration.ofSeconds(30));
    assertThat(failed)
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(DocumentStatus.parseFrom(r.value()).getReason()).contains("expected 7"));
  }

  private static boolean failedStatus(byte[] value) {
    try {
      return DocumentStatus.parseFrom(value).getState() == DocumentState.DOCUMENT_STATE_FAILED;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  @Test
  void refusesInvalidQueries() {
    assertThatThrownBy(() -> retrieve("", "q"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> retrieve("t", " "))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).startsWith("query:"));
    assertThatThrownBy(
            () ->
                grpc.retrieve(
                        RetrieveRequest.newBuilder()
                            .setTenant("t")
                            .setQuery("q")
                            .setTopK(1000)
                            .build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).startsWith("top_k:"));
    for (var lexical :
        List.of(
            LexicalOptions.newBuilder().setFeedbackPassages(-1),
            LexicalOptions.newBuilder().setFeedbackTerms(101),
            LexicalOptions.newBuilder().setFeedbackQueryWeight(1.5))) {
      String field =
          lexical.hasFeedbackPassages()
              ? "lexical.feedback_passages:"
              : lexical.hasFeedbackTerms()
                  ? "lexical.feedback_terms:"
                  : "lexical.feedback_query_weight:";
      assertThatThrownBy(
              () ->
                  grpc.retrieve(
                          RetrieveRequest.newBuilder()
                              .setTenant("t")
                              .setQuery("q")
                              .setLexical(lexical)
                              .build())
                      .await()
                      .atMost(Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getDescription()).startsWith(field));
    }
    assertThatThrownBy(
            () ->
                grpc.retrieve(
                        RetrieveRequest.newBuilder()
                            .setTenant("t")
                            .setQuery("q")
                            .setEnsemble(EnsembleOptions.newBuilder().setWeight(-0.1))
                            .build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).startsWith("ensemble.weight:"));
  }
}
