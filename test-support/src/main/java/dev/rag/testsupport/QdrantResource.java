package dev.rag.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at a real Qdrant server ({@link QdrantServer#shared()}), through
 * the {@code retrieve.qdrant.*} configuration keys.
 */
public class QdrantResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    QdrantServer qdrant = QdrantServer.shared();
    return Map.of(
        "retrieve.qdrant.host", qdrant.host(),
        "retrieve.qdrant.port", Integer.toString(qdrant.grpcPort()));
  }

  @Override
  public void stop() {
    // The shared server outlives a single test class; it stops with the JVM.
  }
}
