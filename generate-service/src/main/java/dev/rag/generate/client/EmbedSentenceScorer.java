package dev.rag.generate.client;

import dev.rag.generate.SentenceScorer;
import dev.rag.generate.config.GenerateConfig;
import dev.rag.proto.v1.EmbedRequest;
import dev.rag.proto.v1.EmbedResponse;
import dev.rag.proto.v1.InputKind;
import dev.rag.proto.v1.MutinyEmbedGrpc.MutinyEmbedStub;
import dev.rag.proto.v1.Vector;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Sentence similarities from embed-service's gRPC Embed: the question as a query and the sentences
 * as passages, one after the other, both within {@code generate.extractive.dense.timeout}. Any
 * failure answers empty (logged at debug): the answer is then chosen by its words alone, never
 * refused for it.
 */
@ApplicationScoped
public class EmbedSentenceScorer implements SentenceScorer {

  private static final Logger LOG = Logger.getLogger(EmbedSentenceScorer.class);

  private final MutinyEmbedStub embed;
  private final Duration timeout;

  EmbedSentenceScorer(@GrpcClient("embed") MutinyEmbedStub embed, GenerateConfig config) {
    this.embed = embed;
    this.timeout = config.extractive().dense().timeout();
  }

  @Override
  public Optional<double[]> similarities(String question, List<String> sentences) {
    if (sentences.isEmpty()) {
      return Optional.of(new double[0]);
    }
    // One deadline for both calls, made one after the other as every call of this service is: two
    // at once on one request's context lost the request's own trace span (EndToEndIT).
    MutinyEmbedStub stub = embed.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      EmbedResponse query =
          stub.embed(
                  EmbedRequest.newBuilder()
                      .addTexts(question)
                      .setKind(InputKind.INPUT_KIND_QUERY)
                      .build())
              .await()
              .indefinitely();
      EmbedResponse passages =
          stub.embed(
                  EmbedRequest.newBuilder()
                      .addAllTexts(sentences)
                      .setKind(InputKind.INPUT_KIND_PASSAGE)
                      .build())
              .await()
              .indefinitely();
      Vector q = query.getVectors(0);
      List<Vector> s = passages.getVectorsList();
      if (s.size() != sentences.size()) {
        return Optional.empty();
      }
      double[] similarities = new double[s.size()];
      for (int i = 0; i < similarities.length; i++) {
        similarities[i] = dot(q, s.get(i));
      }
      return Optional.of(similarities);
    } catch (StatusRuntimeException e) {
      LOG.debugf("Sentences scored by their words alone: embed-service said %s", e.getStatus());
      return Optional.empty();
    }
  }

  /** Vectors are L2-normalised: their dot product is their cosine. */
  private static double dot(Vector a, Vector b) {
    int n = Math.min(a.getValuesCount(), b.getValuesCount());
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += a.getValues(i) * b.getValues(i);
    }
    return sum;
  }
}
