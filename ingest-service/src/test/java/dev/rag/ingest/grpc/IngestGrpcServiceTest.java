package dev.rag.ingest.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.rag.common.auth.ApiKeys;
import dev.rag.proto.v1.DocumentState;
import dev.rag.proto.v1.GetStatusRequest;
import dev.rag.proto.v1.IngestFileRequest;
import dev.rag.proto.v1.IngestFileResponse;
import dev.rag.proto.v1.IngestGrpc;
import dev.rag.proto.v1.IngestGrpc.IngestBlockingStub;
import dev.rag.testsupport.KafkaResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC door with authentication on: who may call it, and a file handed in through it. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@TestProfile(IngestGrpcServiceTest.WithKeys.class)
class IngestGrpcServiceTest {

  static final String INGEST_KEY = ApiKeys.newKey();
  static final String QUERY_KEY = ApiKeys.newKey();
  static final String SERVICE_KEY = ApiKeys.newKey();
  static final String TENANT = "grpc-" + UUID.randomUUID().toString().substring(0, 8);

  /**
   * A key that may ingest and one that may only query, of one tenant; generate-service's key, which
   * acts for the tenant it names.
   */
  public static class WithKeys implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "rag.auth.enabled",
          "true",
          "rag.auth.keys",
          "writer "
              + ApiKeys.digest(INGEST_KEY)
              + " "
              + TENANT
              + " ingest;reader "
              + ApiKeys.digest(QUERY_KEY)
              + " "
              + TENANT
              + " query;generate-service "
              + ApiKeys.digest(SERVICE_KEY)
              + " default service,query");
    }
  }

  @TestHTTPResource("/")
  URL url;

  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
  }

  @AfterEach
  void disconnect() {
    channel.shutdownNow();
  }

  private IngestBlockingStub stub(String key) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return IngestGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The code a refused call answers with (the assertion names the whole status). */
  private static Status.Code refusal(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNKNOWN) {
        throw new AssertionError("unexpected " + e.getStatus(), e);
      }
      return e.getStatus().getCode();
    }
    throw new AssertionError("the call was not refused");
  }

  private static IngestFileRequest file(String name, String text) {
    return IngestFileRequest.newBuilder()
        .setFilename(name)
        .setSource("grpc")
        .setContent(ByteString.copyFrom(text, StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void aCallWithoutAValidKeyIsUnauthenticatedAndOneWithoutTheRoleIsDenied() {
    GetStatusRequest status = GetStatusRequest.newBuilder().setDocumentId("any").build();
    assertThat(refusal(() -> IngestGrpc.newBlockingStub(channel).getStatus(status)))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refusal(() -> stub("not-a-key").getStatus(status)))
        .isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refusal(() -> stub(QUERY_KEY).getStatus(status)))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refusal(() -> stub(QUERY_KEY).ingestFile(file("notes.md", "# Notes\n\nText."))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refusal(() -> stub(INGEST_KEY).getStatus(status))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aFileHandedInOverGrpcIsParsedIntoDocumentsOfTheKeysTenant() {
    String name = "guide-" + UUID.randomUUID() + ".md";
    IngestFileResponse response =
        stub(INGEST_KEY).ingestFile(file(name, "# Guide\n\nHow to tune the chunk budget."));
    assertThat(response.getFormat()).isEqualTo("markdown");
    assertThat(response.getErrorsList()).isEmpty();
    assertThat(response.getDocumentsList()).hasSize(1);
    assertThat(response.getDocuments(0).getDocumentId()).isEqualTo(name);
    assertThat(response.getDocuments(0).getStatus()).isEqualTo("accepted");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        stub(INGEST_KEY)
                            .getStatus(
                                GetStatusRequest.newBuilder()
                                    .setSource("grpc")
                                    .setDocumentId(name)
                                    .build()))
                    .satisfies(s -> assertThat(s.getTenant()).isEqualTo(TENANT))
                    .satisfies(
                        s ->
                            assertThat(s.getState())
                                .isEqualTo(DocumentState.DOCUMENT_STATE_CHUNKED)));

    // A service reads it for the tenant it names, and only for that one; a person's key may not
    // name another tenant.
    GetStatusRequest.Builder status =
        GetStatusRequest.newBuilder().setSource("grpc").setDocumentId(name);
    assertThat(stub(SERVICE_KEY).getStatus(status.setTenant(TENANT).build()).getDocumentId())
        .isEqualTo(name);
    assertThat(refusal(() -> stub(SERVICE_KEY).getStatus(status.setTenant("other").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(refusal(() -> stub(SERVICE_KEY).getStatus(status.setTenant("").build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refusal(() -> stub(INGEST_KEY).getStatus(status.setTenant("other").build())))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(stub(INGEST_KEY).getStatus(status.setTenant(TENANT).build()).getDocumentId())
        .isEqualTo(name);
    // The service may read statuses, nothing else here.
    assertThat(refusal(() -> stub(SERVICE_KEY).ingestFile(file("notes.md", "# Notes\n\nText."))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anEmptyFileIsAnInvalidArgument() {
    assertThatThrownBy(() -> stub(INGEST_KEY).ingestFile(file("empty.txt", "")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("the file is empty");
            });
  }
}
