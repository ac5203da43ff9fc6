package dev.rag.generate;

import dev.rag.proto.v1.GetDocumentRequest;
import dev.rag.proto.v1.GetDocumentResponse;
import dev.rag.proto.v1.Retrieve;
import dev.rag.proto.v1.RetrieveRequest;
import dev.rag.proto.v1.RetrieveResponse;
import dev.rag.proto.v1.StatsRequest;
import dev.rag.proto.v1.StatsResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC Retrieve served by this module's test application, where the {@code retrieve} client
 * points in tests: it answers with nothing and records the deadline each call arrived with, so
 * tests can see what {@link dev.rag.generate.client.RetrieveClient} sends on the wire.
 */
@GrpcService
public class RecordingRetrieveService implements Retrieve {

  private static volatile Long lastRemainingMillis;
  private static final AtomicInteger calls = new AtomicInteger();

  /** Calls received so far. */
  static int calls() {
    return calls.get();
  }

  /** Milliseconds the last call had left when it arrived; null when it came without a deadline. */
  static Long lastRemainingMillis() {
    return lastRemainingMillis;
  }

  // Blocking, as retrieve-service's own methods are: the deadline must reach the worker thread.
  @Override
  @Blocking
  public Uni<RetrieveResponse> retrieve(RetrieveRequest request) {
    record();
    return Uni.createFrom().item(RetrieveResponse.getDefaultInstance());
  }

  @Override
  @Blocking
  public Uni<StatsResponse> stats(StatsRequest request) {
    record();
    return Uni.createFrom().item(StatsResponse.getDefaultInstance());
  }

  @Override
  @Blocking
  public Uni<GetDocumentResponse> getDocument(GetDocumentRequest request) {
    record();
    return Uni.createFrom().item(GetDocumentResponse.getDefaultInstance());
  }

  private static void record() {
    Deadline deadline = Context.current().getDeadline();
    calls.incrementAndGet();
    lastRemainingMillis = deadline == null ? null : deadline.timeRemaining(TimeUnit.MILLISECONDS);
  }
}
