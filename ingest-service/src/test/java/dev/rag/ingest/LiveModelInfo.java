package dev.rag.ingest;

import dev.rag.proto.v1.Embed;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InfoRequest;
import dev.rag.proto.v1.InfoResponse;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/**
 * Stands in for embed-service's Info in this service's tests: says which model the live pipeline
 * embeds with (replays refuse it). embed-service itself answers in the end-to-end tests.
 */
@GrpcService
public class LiveModelInfo implements Embed {

  /** The model the stand-in calls live. */
  public static final String LIVE_MODEL = "bge-small-en-v1.5-int8";

  @Override
  public Uni<InfoResponse> info(InfoRequest request) {
    return Uni.createFrom()
        .item(InfoResponse.newBuilder().setModelId(LIVE_MODEL).setDimension(384).build());
  }

  @Override
  public Uni<EmbedResponse> embed(EmbedRequest request) {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }
}
