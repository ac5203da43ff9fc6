package dev.rag.retrieve.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rag.retrieve.DependencyUnavailableException;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class ReadRetryTest {

  @Test
  void aReadIsTriedAgainOnlyWhenAnotherNodeMayAnswerIt() {
    assertThat(QdrantCollections.passing(Status.UNAVAILABLE.asRuntimeException())).isTrue();
    assertThat(
            QdrantCollections.passing(
                new DependencyUnavailableException(
                    "Qdrant cannot take it now",
                    Status.RESOURCE_EXHAUSTED
                        .withDescription("Rate limiting exceeded")
                        .asRuntimeException())))
        .isTrue();
    assertThat(
            QdrantCollections.passing(
                Status.INTERNAL
                    .withDescription("Service internal error: 1 of 1 read operations failed")
                    .asRuntimeException()))
        .isTrue();

    assertThat(
            QdrantCollections.passing(
                Status.INTERNAL.withDescription("index corrupted").asRuntimeException()))
        .isFalse();
    assertThat(QdrantCollections.passing(Status.DEADLINE_EXCEEDED.asRuntimeException())).isFalse();
    assertThat(QdrantCollections.passing(Status.INVALID_ARGUMENT.asRuntimeException())).isFalse();
    assertThat(QdrantCollections.passing(new IllegalStateException("not a call"))).isFalse();
  }

  @Test
  void thePauseBetweenTriesDoubles() {
    assertThat(QdrantCollections.pauseBefore(2, 100)).isEqualTo(100);
    assertThat(QdrantCollections.pauseBefore(3, 100)).isEqualTo(200);
    assertThat(QdrantCollections.pauseBefore(4, 100)).isEqualTo(400);
    assertThat(QdrantCollections.pauseBefore(2, 0)).isZero();
  }
}
