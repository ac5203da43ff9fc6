package dev.rag.ingest.client;

import dev.rag.proto.v1.EmbedGrpc;
import dev.rag.proto.v1.InfoRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/** embed-service's gRPC Info: which model the live pipeline embeds with. */
@ApplicationScoped
public class EmbedClient {

  private static final long DEADLINE_SECONDS = 10;

  private final EmbedGrpc.EmbedBlockingStub embed;

  EmbedClient(@GrpcClient("embed") EmbedGrpc.EmbedBlockingStub embed) {
    this.embed = embed;
  }

  /** Thrown when embed-service does not answer. */
  public static final class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The model the live embed-service serves.
   *
   * @throws UnavailableException when it does not answer within its deadline
   */
  public String liveModel() {
    try {
      return embed
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .info(InfoRequest.getDefaultInstance())
          .getModelId();
    } catch (StatusRuntimeException e) {
      throw new UnavailableException(
          "embed-service could not say which model is live (" + e.getStatus() + ")", e);
    }
  }
}
