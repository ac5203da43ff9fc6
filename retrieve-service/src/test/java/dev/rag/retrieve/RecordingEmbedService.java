package dev.rag.retrieve;

import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoRequest;
import dev.rag.proto.v1.InfoResponse;
import dev.rag.proto.v1.Vector;
import io.grpc.Context;
import io.grpc.Deadline;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC Embed served by this module's test application, where the {@code embed} client points in
 * tests: it answers with the hashing embedder's vectors and records the deadline each call arrived
 * with, so tests can see what {@link dev.rag.retrieve.client.EmbedClient} sends on the wire.
 */
@GrpcService
public class RecordingEmbedService implements Embed {

  private static final AtomicInteger calls = new AtomicInteger();
  private static volatile Long lastRemainingMillis;

  /** Embed calls received so far. */
  public static int calls() {
    return calls.get();
  }

  /** Milliseconds the last Embed call had left on arrival; null when it came without a deadline. */
  public static Long lastRemainingMillis() {
    return lastRemainingMillis;
  }

  @Override
  @Blocking
  public Uni<InfoResponse> info(InfoRequest request) {
    return Uni.createFrom()
        .item(
            InfoResponse.newBuilder()
                .setModelId(HashingQueryEmbedder.MODEL)
                .setDimension(HashingQueryEmbedder.DIMENSION)
                .setDevice("cpu")
                .build());
  }

  // Blocking, as embed-service's own method is: the deadline must reach the worker thread.
  @Override
  @Blocking
  public Uni<EmbedResponse> embed(EmbedRequest request) {
    Deadline deadline = Context.current().getDeadline();
    lastRemainingMillis = deadline == null ? null : deadline.timeRemaining(TimeUnit.MILLISECONDS);
    calls.incrementAndGet();
    EmbedResponse.Builder response =
        EmbedResponse.newBuilder()
            .setModelId(HashingQueryEmbedder.MODEL)
            .setDimension(HashingQueryEmbedder.DIMENSION);
    for (String text : request.getTextsList()) {
      Vector.Builder v = Vector.newBuilder();
      for (float x : HashingQueryEmbedder.vector(text)) {
        v.addValues(x);
      }
      response.addVectors(v);
    }
    return Uni.createFrom().item(response.build());
  }
}
