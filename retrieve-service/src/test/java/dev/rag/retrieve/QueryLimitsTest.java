package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import dev.rag.common.Topics;
import dev.rag.proto.v1.RetrievalMode;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveGrpc;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.retrieve.qdrant.QdrantPassageRepository;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import dev.rag.testsupport.TopicWriter;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** What one query may cost: sources searched one by one, and work after its caller left. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
@WithTestResource(ServiceKeyResource.class)
class QueryLimitsTest {

  /** {@code retrieve.limits.max-sources}'s default. */
  static final int MAX_SOURCES = 16;

  @GrpcClient("retrieve")
  Retrieve grpc;

  @Inject QdrantPassageRepository repository;

  @TestHTTPResource("/")
  URL url;

  private static String tenant() {
    return "limits-" + UUID.randomUUID();
  }

  private static List<String> sources(int count) {
    return IntStream.range(0, count).mapToObj(i -> "source-" + i).toList();
  }

  private RetrieveRequest.Builder query(String tenant, String text) {
    return RetrieveRequest.newBuilder()
        .setTenant(tenant)
        .setQuery(text)
        .setTopK(5)
        .setMode(RetrievalMode.RETRIEVAL_MODE_FULL);
  }

  @Test
  void refusesAQueryNamingMoreSourcesThanAllowed() {
    String tenant = tenant();
    assertThat(
            grpc.retrieve(query(tenant, "vault").addAllSources(sources(MAX_SOURCES)).build())
                .await()
                .atMost(Duration.ofSeconds(30))
                .getPassagesList())
        .isEmpty();
    assertThatThrownBy(
            () ->
                grpc.retrieve(
                        query(tenant, "vault").addAllSources(sources(MAX_SOURCES + 1)).build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status status = StatusProto.fromThrowable(e);
              assertThat(status).isNotNull();
              try {
                BadRequest details = status.getDetails(0).unpack(BadRequest.class);
                assertThat(details.getFieldViolations(0).getField()).isEqualTo("sources");
                assertThat(details.getFieldViolations(0).getDescription())
                    .contains(Integer.toString(MAX_SOURCES));
              } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError(ex);
              }
            });
  }

  @Test
  void searchesATenantWithMoreSourcesThanAllowedAllAtOnce() throws Exception {
    String tenant = tenant();
    int count = MAX_SOURCES + 4;
    for (int i = 0; i < count; i++) {
      String source = "source-" + i;
      TopicWriter.send(
          KafkaBroker.shared().bootstrapServers(),
          Topics.EMBEDDINGS,
          Topics.documentKey(tenant, source, "doc"),
          IndexAndRetrieveTest.event(
                  tenant, source, "doc", "v1", 0, 1, "the quokka number " + i + " lives here")
              .toByteArray());
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                IntStream.range(0, count)
                    .allMatch(
                        i ->
                            repository.countPoints(
                                    HashingQueryEmbedder.MODEL, tenant, "source-" + i, "doc")
                                == 1));

    var passages =
        grpc.retrieve(query(tenant, "where does the quokka live").build())
            .await()
            .atMost(Duration.ofSeconds(30))
            .getPassagesList();
    assertThat(passages).hasSize(5);
    assertThat(CountingPassageRepository.searchesOf(tenant))
        .as("searches of one query over %d sources", count)
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.scopes()).isLessThanOrEqualTo(MAX_SOURCES));
  }

  @Test
  void aQueryItsCallerCancelledIsCancelledWhileTheServerWorksOnIt() throws Exception {
    String tenant = tenant();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    Context.CancellableContext call = Context.current().withCancellation();
    try {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + ConfigProvider.getConfig().getValue("rag.auth.service-key", String.class));
      var stub =
          RetrieveGrpc.newFutureStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      var answer =
          call.call(
              () -> stub.retrieve(query(tenant, HashingQueryEmbedder.HOLD + " quokka").build()));
      assertThat(HashingQueryEmbedder.awaitHolding()).as("the query reached embedding").isTrue();
      call.cancel(null);
      assertThatThrownBy(answer::get)
          .hasCauseInstanceOf(StatusRuntimeException.class)
          .hasMessageContaining("CANCELLED");
      // The handler learns it while still embedding: what it does next (its searches, and the
      // Qdrant and embed-service calls made in this context) stops there.
      assertThat(HashingQueryEmbedder.awaitSawCancellation())
          .as("the server saw its caller cancel")
          .isTrue();
    } finally {
      call.cancel(null);
      channel.shutdownNow();
    }
  }
}
