package dev.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.StatsRequest;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With authentication off ({@code rag.auth.enabled=false}, as in this module's test profile) and no
 * key presented: a development identity of the default tenant, never a service acting for others.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
class OpenAccessTest {

  @GrpcClient("retrieve")
  Retrieve grpc;

  @Test
  void anAnonymousCallerSearchesTheDefaultTenantOnly() {
    assertThat(
            grpc.retrieve(RetrieveRequest.newBuilder().setQuery("anything").build())
                .await()
                .atMost(Duration.ofSeconds(30))
                .getPassagesList())
        .allSatisfy(p -> assertThat(p.getTenant()).isEqualTo("default"));
    assertThat(
            grpc.retrieve(
                    RetrieveRequest.newBuilder().setTenant("default").setQuery("anything").build())
                .await()
                .atMost(Duration.ofSeconds(30)))
        .isNotNull();

    assertThatThrownBy(
            () ->
                grpc.retrieve(
                        RetrieveRequest.newBuilder()
                            .setTenant("another-lab")
                            .setQuery("anything")
                            .build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(
            () ->
                grpc.stats(StatsRequest.newBuilder().setTenant("another-lab").build())
                    .await()
                    .atMost(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }
}
