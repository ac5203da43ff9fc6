package dev.rag.retrieve.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.proto.v1.MutinyEmbedGrpc;
import dev.rag.retrieve.RecordingEmbedService;
import dev.rag.retrieve.ServiceKeyResource;
import dev.rag.retrieve.config.RetrieveConfig;
import dev.rag.testsupport.KafkaResource;
import dev.rag.testsupport.QdrantResource;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The embed client against {@link RecordingEmbedService} on this test application's port. Built
 * here on its own channel: the application's {@code embed} client is made at startup, before the
 * test port is known.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(QdrantResource.class)
@WithTestResource(ServiceKeyResource.class)
class EmbedClientDeadlineTest {

  @Inject RetrieveConfig config;

  @TestHTTPResource("/")
  URL url;

  @Test
  void callsEmbedServiceWithADeadlineOnTheWire() {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress(url.getHost(), url.getPort()).usePlaintext().build();
    try {
      EmbedClient client = new EmbedClient(MutinyEmbedGrpc.newMutinyStub(channel), config);
      int before = RecordingEmbedService.calls();
      client.embed("where does the quokka live");
      assertThat(RecordingEmbedService.calls()).isEqualTo(before + 1);
      // retrieve.query-embedding.timeout's default: 10 s.
      assertThat(RecordingEmbedService.lastRemainingMillis())
          .as("milliseconds left of the deadline the Embed call arrived with")
          .isNotNull()
          .isPositive()
          .isLessThanOrEqualTo(10_000L);
    } finally {
      channel.shutdownNow();
    }
  }
}
